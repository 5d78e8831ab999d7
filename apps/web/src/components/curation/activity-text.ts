import type { AuditAction } from "@mien/db";

import { decisionText, resolutionText, type MyDecision } from "../review/review-keys.ts";

type Json = unknown;

/** Every audited action in words; the type makes a new action name its text here. */
const ACTIONS: Record<AuditAction, string> = {
  "review.decide": "Decided",
  "review.bulk_flag": "Bulk-flagged",
  "review.undo": "Undid a decision",
  "review.resolve": "Resolved",
  "settings.set": "Changed a setting",
  "snapshot.create": "Froze a snapshot",
  "user.create": "Created an account",
  "user.set_role": "Changed a role",
  "training.start": "Started training",
  "training.cancel": "Cancelled training",
  "training.retry": "Retried training",
  "model.promote": "Promoted a model version",
  "model.bootstrap": "Activated the first model version",
  "model.rollback": "Rolled back the model",
  "evalset.pin": "Pinned an evaluation set",
  "mentor.invite": "Invited a mentor",
  "mentor.invite.withdraw": "Withdrew a mentor invitation",
  "mentor.grant": "Accepted a mentor invitation",
  "mentor.view": "Viewed a learner's progress",
  "mentor.revoke": "Revoked a mentor's access",
  "plan.set": "Set a practice plan",
  "plan.clear": "Cleared a practice plan",
};

/** Rows written before an action was listed keep their stored name. */
export const actionText = (action: string) => (ACTIONS as Record<string, string>)[action] ?? action;

const obj = (v: Json): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** Before → after of one audit row, in words. Rows keep whatever shape their action wrote, so each is read by its action. */
export function changeText(entry: { action: string; entityId: string; before: Json; after: Json }): string {
  const before = obj(entry.before);
  const after = obj(entry.after);
  switch (entry.action) {
    case "review.decide":
    case "review.bulk_flag":
    case "review.undo":
      return `${decisionText(before as MyDecision | null)} → ${decisionText(after as MyDecision | null)}`;
    case "review.resolve":
      return `${resolutionText(before as Parameters<typeof resolutionText>[0])} → ${resolutionText(after as Parameters<typeof resolutionText>[0])}`;
    case "settings.set":
      return `${entry.entityId}: ${String(before?.value ?? "default")} → ${String(after?.value)}`;
    case "snapshot.create":
      return `“${String(after?.name)}”, ${Number(after?.imageCount).toLocaleString("en-US")} images`;
    case "user.set_role":
      return `${entry.entityId}: ${String(before?.role)} → ${String(after?.role)}`;
    case "model.promote":
    case "model.bootstrap":
    case "model.rollback":
      return `${entry.entityId}: ${before ? `version ${String(before.number)}` : "none"} → version ${String(after?.number)}`;
    case "training.start":
      return `“${String(after?.name)}”`;
    case "training.cancel":
    case "training.retry":
      return `job ${entry.entityId.slice(0, 8)}`;
    case "evalset.pin":
      return `“${String(after?.name)}”, ${Number(after?.imageCount).toLocaleString("en-US")} images`;
    default:
      return "";
  }
}

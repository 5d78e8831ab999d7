import { decisionText, resolutionText, type MyDecision } from "../review/review-keys.ts";

type Json = unknown;

const ACTIONS: Record<string, string> = {
  "review.decide": "Decided",
  "review.bulk_flag": "Bulk-flagged",
  "review.undo": "Undid a decision",
  "review.resolve": "Resolved",
  "settings.set": "Changed a setting",
  "snapshot.create": "Froze a snapshot",
  "user.set_role": "Changed a role",
};

export const actionText = (action: string) => ACTIONS[action] ?? action;

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
    default:
      return "";
  }
}

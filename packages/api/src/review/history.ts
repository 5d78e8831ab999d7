import type { Db, Prisma } from "@mien/db";

import { RESOLVE_ACTION, type ResolutionState } from "./resolve.ts";
import { fromJson, REVIEW_ACTIONS, type DecisionState } from "./state.ts";

interface EntryBase {
  id: string;
  actor: { id: string; name: string; email: string } | null;
  createdAt: Date;
}

/** One row of an image's trail: a curator's decision change, or an admin's resolution. */
export type HistoryEntry =
  | (EntryBase & { action: (typeof REVIEW_ACTIONS)[keyof typeof REVIEW_ACTIONS]; before: DecisionState | null; after: DecisionState | null })
  | (EntryBase & { action: typeof RESOLVE_ACTION; before: ResolutionState | null; after: ResolutionState | null });

const HISTORY_ACTIONS: string[] = [...Object.values(REVIEW_ACTIONS), RESOLVE_ACTION];

function resolutionFromJson(value: Prisma.JsonValue | null): ResolutionState | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  return value as unknown as ResolutionState;
}

/**
 * An image's review trail, newest first. `everyone` (admins) sees every curator's actions and the
 * resolutions; a curator sees only their own actions, so no one sees another's decision first.
 */
export async function imageHistory(db: Db, args: { imageId: string; viewerId: string; everyone: boolean }): Promise<HistoryEntry[]> {
  const rows = await db.auditLog.findMany({
    where: {
      imageId: args.imageId,
      action: { in: HISTORY_ACTIONS },
      ...(args.everyone ? {} : { actorId: args.viewerId }),
    },
    orderBy: { id: "desc" },
    take: 200,
    select: {
      id: true,
      action: true,
      createdAt: true,
      before: true,
      after: true,
      actor: { select: { id: true, name: true, email: true } },
    },
  });
  return rows.map((row): HistoryEntry => {
    const base = { id: row.id.toString(), actor: row.actor, createdAt: row.createdAt };
    if (row.action === RESOLVE_ACTION) {
      return { ...base, action: RESOLVE_ACTION, before: resolutionFromJson(row.before), after: resolutionFromJson(row.after) };
    }
    return {
      ...base,
      action: row.action as (typeof REVIEW_ACTIONS)[keyof typeof REVIEW_ACTIONS],
      before: fromJson(row.before),
      after: fromJson(row.after),
    };
  });
}

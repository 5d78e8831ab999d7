import type { Db } from "@mien/db";
import { fromJson, REVIEW_ACTIONS, type DecisionState } from "./state.ts";

export interface HistoryEntry {
  id: string;
  action: string;
  actor: { id: string; name: string; email: string } | null;
  createdAt: Date;
  before: DecisionState | null;
  after: DecisionState | null;
}

/** An image's review trail, newest first. `everyone` (admins) sees all curators; others see their own. */
export async function imageHistory(db: Db, args: { imageId: string; viewerId: string; everyone: boolean }): Promise<HistoryEntry[]> {
  const rows = await db.auditLog.findMany({
    where: {
      imageId: args.imageId,
      action: { in: Object.values(REVIEW_ACTIONS) },
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
  return rows.map((row) => ({
    id: row.id.toString(),
    action: row.action,
    actor: row.actor,
    createdAt: row.createdAt,
    before: fromJson(row.before),
    after: fromJson(row.after),
  }));
}

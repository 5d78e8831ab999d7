import { z } from "zod";

import type { Db, Prisma } from "@mien/db";
import { AppError } from "@mien/errors";

export const activityInput = z.object({
  userId: z.string().min(1).max(64),
  limit: z.number().int().min(1).max(200).default(50),
  /** Keyset cursor: the last entry of the previous page. */
  cursor: z.object({ createdAt: z.date(), id: z.string().regex(/^\d{1,19}$/) }).nullish(),
});

export interface ActivityEntry {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  imageId: string | null;
  createdAt: Date;
  before: Prisma.JsonValue | null;
  after: Prisma.JsonValue | null;
}

/**
 * One person's audit trail, newest first: every decision, flag, undo, resolution, setting and
 * snapshot they made, exactly as the append-only audit_log holds it. Walks the (actorId, createdAt)
 * index with a (createdAt, id) keyset.
 */
export async function userActivity(db: Db, input: z.infer<typeof activityInput>) {
  const user = await db.user.findUnique({ where: { id: input.userId }, select: { id: true, name: true, email: true, role: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user with id ${input.userId}. Pick one from the audit page.`);
  const c = input.cursor;
  const rows = await db.auditLog.findMany({
    where: {
      actorId: user.id,
      ...(c ? { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: BigInt(c.id) } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
    select: { id: true, action: true, entityType: true, entityId: true, imageId: true, createdAt: true, before: true, after: true },
  });
  const items: ActivityEntry[] = rows.slice(0, input.limit).map((r) => ({ ...r, id: r.id.toString() }));
  const last = items.at(-1);
  return { user, items, nextCursor: rows.length > input.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/** Everyone who can review (curators and admins), with how much each has done. */
export async function listReviewers(db: Db) {
  return db.$queryRaw<{ id: string; name: string; email: string; role: string; decisions: number; actions: number; lastActionAt: Date | null }[]>`
    SELECT u.id, u.name, u.email, u.role::text AS role,
           (SELECT count(*)::int FROM review_decision d WHERE d."curatorId" = u.id) AS decisions,
           (SELECT count(*)::int FROM audit_log a WHERE a."actorId" = u.id) AS actions,
           (SELECT max(a."createdAt") FROM audit_log a WHERE a."actorId" = u.id) AS "lastActionAt"
      FROM "user" u
     WHERE u.role IN ('curator', 'admin')
     ORDER BY u.name, u.email`;
}

import { audit, type Db } from "@mien/db";
import { AppError } from "@mien/errors";

export interface MentorEntry {
  mentorId: string;
  name: string;
  email: string;
  since: Date;
  /** The mentor's views of your practice since this grant, from the audit log. */
  views: number;
  lastViewedAt: Date | null;
}

export interface OpenInvitation {
  id: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Who can see `userId`'s practice, and the invitations still open, for the learner's sharing page. */
export async function sharingOverview(db: Db, userId: string, now = new Date()): Promise<{ mentors: MentorEntry[]; invitations: OpenInvitation[] }> {
  const grants = await db.mentorGrant.findMany({
    where: { userId, revokedAt: null },
    orderBy: { grantedAt: "asc" },
    select: { id: true, grantedAt: true, mentor: { select: { id: true, name: true, email: true } } },
  });
  const mentors = await Promise.all(
    grants.map(async (g) => {
      const seen = await db.auditLog.aggregate({
        where: { entityType: "mentor_grant", entityId: g.id, action: "mentor.view", createdAt: { gte: g.grantedAt } },
        _count: { _all: true },
        _max: { createdAt: true },
      });
      return {
        mentorId: g.mentor.id,
        name: g.mentor.name,
        email: g.mentor.email,
        since: g.grantedAt,
        views: seen._count._all,
        lastViewedAt: seen._max.createdAt,
      };
    }),
  );
  const invitations = await db.mentorInvitation.findMany({
    where: { userId, redeemedAt: null, withdrawnAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "asc" },
    select: { id: true, createdAt: true, expiresAt: true },
  });
  return { mentors, invitations };
}

/**
 * Ends a grant at once: the mentor's next request is refused (every mentor procedure reads the
 * grant). `by` says who ended it: the learner revoking, or the mentor stepping back. Audited as
 * mentor.revoke.
 */
export async function endGrant(db: Db, input: { userId: string; mentorId: string; actorId: string; by: "learner" | "mentor" }): Promise<void> {
  await db.$transaction(async (tx) => {
    const grant = await tx.mentorGrant.findUnique({
      where: { userId_mentorId: { userId: input.userId, mentorId: input.mentorId } },
      select: { id: true, revokedAt: true },
    });
    const ended = grant ? await tx.mentorGrant.updateMany({ where: { id: grant.id, revokedAt: null }, data: { revokedAt: new Date() } }) : { count: 0 };
    if (!grant || ended.count === 0) {
      throw new AppError(
        "NOT_FOUND",
        input.by === "learner" ? "That person cannot see your practice any more. Reload the page." : "You no longer follow this person's practice.",
      );
    }
    await audit(tx, {
      actorId: input.actorId,
      action: "mentor.revoke",
      entityType: "mentor_grant",
      entityId: grant.id,
      after: { userId: input.userId, mentorId: input.mentorId, by: input.by },
    });
  });
}

import { createAttemptLimit } from "@mien/auth";
import { audit, type Db } from "@mien/db";
import { AppError } from "@mien/errors";

import { CODE_LENGTH, invitationCodeHash, newInvitationCode, normaliseInvitationCode } from "./code.ts";

/** How long an invitation can be redeemed. */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
/** Open (unused, unexpired) invitations one learner may have at a time. */
export const MAX_OPEN_INVITATIONS = 5;
/** Redeem attempts per mentor account, whatever address they come from. */
export const REDEEM_ACCOUNT_LIMIT = { window: 600, max: 10 } as const;

export interface RedeemLimits {
  account: { window: number; max: number };
  /** Per client address; the same rule as sign-in's (MIEN_SIGN_IN_LIMIT). */
  address: { window: number; max: number };
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/**
 * A new single-use invitation from `userId`. The code is returned once, here; only its hash is
 * stored. Audited as mentor.invite.
 */
export async function createInvitation(db: Db, userId: string, now = new Date()): Promise<{ id: string; code: string; expiresAt: Date }> {
  return db.$transaction(async (tx) => {
    // Serialises concurrent invites of one learner, so the open-invitation cap holds.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('mentor_invitation'), hashtext(${userId}))`;
    const open = await tx.mentorInvitation.count({ where: { userId, redeemedAt: null, withdrawnAt: null, expiresAt: { gt: now } } });
    if (open >= MAX_OPEN_INVITATIONS) {
      throw new AppError("BAD_REQUEST", `You already have ${open} open invitations. Withdraw one you no longer need, then invite again.`);
    }
    const code = newInvitationCode();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    const invitation = await tx.mentorInvitation.create({
      data: { userId, codeHash: invitationCodeHash(normaliseInvitationCode(code)!), expiresAt, createdAt: now },
      select: { id: true },
    });
    await audit(tx, {
      actorId: userId,
      action: "mentor.invite",
      entityType: "mentor_invitation",
      entityId: invitation.id,
      after: { expiresAt: expiresAt.toISOString() },
    });
    return { id: invitation.id, code, expiresAt };
  });
}

/** Withdraws an open invitation of `userId`; its code can no longer be redeemed. */
export async function withdrawInvitation(db: Db, userId: string, invitationId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const done = await tx.mentorInvitation.updateMany({
      where: { id: invitationId, userId, redeemedAt: null, withdrawnAt: null },
      data: { withdrawnAt: new Date() },
    });
    if (done.count === 0) {
      throw new AppError("NOT_FOUND", "That invitation is not open any more (used, withdrawn, or not yours). Reload the page.");
    }
    await audit(tx, { actorId: userId, action: "mentor.invite.withdraw", entityType: "mentor_invitation", entityId: invitationId });
  });
}

export interface RedeemInput {
  mentorId: string;
  code: string;
  /** The client address (null when unknown: only the per-account limit applies). */
  address: string | null;
  limits: RedeemLimits;
  now?: Date;
}

/**
 * Redeems an invitation: `mentorId` becomes a mentor of its learner (a grant revoked before is
 * revived). Limited per account and per address like sign-in, counted before the code is even
 * looked at; refuses unknown, used, withdrawn and expired codes and one's own invitation with a
 * message that says what to do. The invitation is used up and the grant written in one
 * transaction; audited as mentor.grant.
 */
export async function redeemInvitation(db: Db, input: RedeemInput): Promise<{ learner: { id: string; name: string }; grantId: string }> {
  const now = input.now ?? new Date();
  const clock = () => now.getTime();
  const limited = () => new AppError("TOO_MANY_REQUESTS", "Too many invitation codes tried. Wait ten minutes, then try again.");
  if (!(await createAttemptLimit(db, input.limits.account, clock, "invitationRedeem").consume(`account:${input.mentorId}`))) throw limited();
  if (input.address && !(await createAttemptLimit(db, input.limits.address, clock, "invitationRedeem").consume(`address:${input.address}`))) throw limited();

  const canonical = normaliseInvitationCode(input.code);
  if (!canonical) {
    throw new AppError(
      "BAD_REQUEST",
      `That is not an invitation code: a code has ${CODE_LENGTH} letters and digits, like 7K2Q-M9XD-…. Copy it again from the invitation.`,
    );
  }
  return db.$transaction(async (tx) => {
    const invitation = await tx.mentorInvitation.findUnique({
      where: { codeHash: invitationCodeHash(canonical) },
      select: { id: true, userId: true, expiresAt: true, redeemedAt: true, withdrawnAt: true, user: { select: { id: true, name: true } } },
    });
    if (!invitation) throw new AppError("NOT_FOUND", "No invitation has this code. Check it, or ask for a new invitation.");
    const learner = invitation.user;
    if (learner.id === input.mentorId) {
      throw new AppError("BAD_REQUEST", "This is your own invitation: you cannot be your own mentor. Send it to the person you want as your mentor.");
    }
    if (invitation.redeemedAt) throw new AppError("BAD_REQUEST", `This invitation was already used. Ask ${learner.name} for a new one.`);
    if (invitation.withdrawnAt) throw new AppError("BAD_REQUEST", `${learner.name} withdrew this invitation. Ask them for a new one.`);
    if (invitation.expiresAt <= now) {
      throw new AppError("BAD_REQUEST", `This invitation expired on ${dateFormat.format(invitation.expiresAt)} (UTC). Ask ${learner.name} for a new one.`);
    }
    const live = await tx.mentorGrant.findFirst({ where: { userId: learner.id, mentorId: input.mentorId, revokedAt: null }, select: { id: true } });
    if (live) throw new AppError("BAD_REQUEST", `You are already ${learner.name}'s mentor; this invitation stays unused for someone else.`);

    // Only one redeem of a code can win, even when two arrive at once.
    const taken = await tx.mentorInvitation.updateMany({
      where: { id: invitation.id, redeemedAt: null, withdrawnAt: null },
      data: { redeemedAt: now, redeemedById: input.mentorId },
    });
    if (taken.count !== 1) throw new AppError("BAD_REQUEST", `This invitation was already used. Ask ${learner.name} for a new one.`);
    const grant = await tx.mentorGrant.upsert({
      where: { userId_mentorId: { userId: learner.id, mentorId: input.mentorId } },
      create: { userId: learner.id, mentorId: input.mentorId, grantedAt: now },
      update: { grantedAt: now, revokedAt: null },
      select: { id: true },
    });
    await audit(tx, {
      actorId: input.mentorId,
      action: "mentor.grant",
      entityType: "mentor_grant",
      entityId: grant.id,
      after: { userId: learner.id, mentorId: input.mentorId, invitationId: invitation.id },
    });
    return { learner, grantId: grant.id };
  });
}

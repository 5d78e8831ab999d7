import { z } from "zod";

import { clientAddress } from "@mien/auth";
import { loadServerEnv } from "@mien/env";

import { practicePlanInput, setPlan, timeZoneInput } from "../coach/index.ts";
import { endGrant, learnerProgress, learnersOf, REDEEM_ACCOUNT_LIMIT, redeemInvitation } from "../mentors/index.ts";
import { mentorProcedure, router, userProcedure } from "../trpc.ts";

/**
 * The mentor's side. Any account can be a mentor, of the learners who invited it: the relation,
 * not a role, decides (mentorProcedure checks the live grant on every call).
 */
export const mentoringRouter = router({
  /** Accepts an invitation code. Rate-limited per account and per address, like sign-in. */
  redeem: userProcedure.input(z.object({ code: z.string().min(1).max(100) }).strict()).mutation(({ ctx, input }) =>
    redeemInvitation(ctx.db, {
      mentorId: ctx.session.user.id,
      code: input.code,
      address: clientAddress(ctx.headers),
      limits: { account: REDEEM_ACCOUNT_LIMIT, address: loadServerEnv().MIEN_SIGN_IN_LIMIT },
    }),
  ),

  /** The learners who share their practice with you, each with plan and results. Audited per learner. */
  learners: userProcedure
    .input(z.object({ timeZone: timeZoneInput }).strict())
    .query(({ ctx, input }) => learnersOf(ctx.db, ctx.session.user.id, input.timeZone)),

  /** One learner's plan, sessions, streak and scores over time. Audited. */
  progress: mentorProcedure
    .input(z.object({ timeZone: timeZoneInput }))
    .query(({ ctx, input }) => learnerProgress(ctx.db, { mentorId: ctx.session.user.id, grantId: ctx.grant.id, timeZone: input.timeZone })),

  /** Sets (or with null removes) the learner's plan. */
  setPlan: mentorProcedure
    .input(z.object({ plan: practicePlanInput.nullable() }))
    .mutation(({ ctx, input }) => setPlan(ctx.db, { userId: input.userId, actorId: ctx.session.user.id, plan: input.plan })),

  /** Stops following a learner (the learner can invite you again). */
  stop: mentorProcedure.mutation(({ ctx, input }) =>
    endGrant(ctx.db, { userId: input.userId, mentorId: ctx.session.user.id, actorId: ctx.session.user.id, by: "mentor" }),
  ),
});

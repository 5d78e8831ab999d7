import { z } from "zod";

import {
  clearProgress,
  planOf,
  practicePlanInput,
  practiceSummary,
  progressOf,
  saveAttempt,
  saveAttemptInput,
  setPlan,
  timeZoneInput,
} from "../coach/index.ts";
import { router, userProcedure } from "../trpc.ts";

/** The coach's server side: scores only, and every user sees only their own. */
export const coachRouter = router({
  saveAttempt: userProcedure.input(saveAttemptInput).mutation(({ ctx, input }) => saveAttempt(ctx.db, ctx.session.user.id, input)),

  progress: userProcedure.query(({ ctx }) => progressOf(ctx.db, ctx.session.user.id)),

  clearProgress: userProcedure.mutation(({ ctx }) => clearProgress(ctx.db, ctx.session.user.id)),

  /** Your practice plan (set by you or a mentor), or null. */
  plan: userProcedure.query(({ ctx }) => planOf(ctx.db, ctx.session.user.id)),

  /** Sets your own plan; null removes it. */
  setPlan: userProcedure
    .input(z.object({ plan: practicePlanInput.nullable() }).strict())
    .mutation(({ ctx, input }) => setPlan(ctx.db, { userId: ctx.session.user.id, actorId: ctx.session.user.id, plan: input.plan })),

  /** Sessions, streak and how your plan is going, with days counted in your time zone. */
  summary: userProcedure.input(z.object({ timeZone: timeZoneInput }).strict()).query(async ({ ctx, input }) => {
    const plan = await planOf(ctx.db, ctx.session.user.id);
    return practiceSummary(ctx.db, ctx.session.user.id, input.timeZone, plan);
  }),
});

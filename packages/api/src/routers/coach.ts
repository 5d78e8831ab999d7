import { clearProgress, progressOf, saveAttempt, saveAttemptInput } from "../coach/index.ts";
import { router, userProcedure } from "../trpc.ts";

/** The coach's server side: scores only, and every user sees only their own. */
export const coachRouter = router({
  saveAttempt: userProcedure.input(saveAttemptInput).mutation(({ ctx, input }) => saveAttempt(ctx.db, ctx.session.user.id, input)),

  progress: userProcedure.query(({ ctx }) => progressOf(ctx.db, ctx.session.user.id)),

  clearProgress: userProcedure.mutation(({ ctx }) => clearProgress(ctx.db, ctx.session.user.id)),
});

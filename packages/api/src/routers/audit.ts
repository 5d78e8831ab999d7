import { activityInput, listReviewers, userActivity } from "../audit/activity.ts";
import { adminProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  /** Curators and admins, with how many decisions and audited actions each has. */
  reviewers: adminProcedure.query(({ ctx }) => listReviewers(ctx.db)),

  /** One person's audited actions, newest first. */
  activity: adminProcedure.input(activityInput).query(({ ctx, input }) => userActivity(ctx.db, input)),
});

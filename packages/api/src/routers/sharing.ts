import { z } from "zod";

import { createInvitation, endGrant, sharingOverview, withdrawInvitation } from "../mentors/index.ts";
import { router, userProcedure } from "../trpc.ts";

/** The learner's side of mentoring: who may see your practice, invitations, and revoking. */
export const sharingRouter = router({
  /** Your mentors (with how often they looked) and your open invitations. */
  overview: userProcedure.query(({ ctx }) => sharingOverview(ctx.db, ctx.session.user.id)),

  /** A new single-use invitation; its code is shown this once. */
  invite: userProcedure.mutation(({ ctx }) => createInvitation(ctx.db, ctx.session.user.id)),

  withdrawInvitation: userProcedure
    .input(z.object({ invitationId: z.uuid() }).strict())
    .mutation(({ ctx, input }) => withdrawInvitation(ctx.db, ctx.session.user.id, input.invitationId)),

  /** Takes a mentor's access away, effective on their next request. */
  revoke: userProcedure
    .input(z.object({ mentorId: z.string().min(1).max(64) }).strict())
    .mutation(({ ctx, input }) => endGrant(ctx.db, { userId: ctx.session.user.id, mentorId: input.mentorId, actorId: ctx.session.user.id, by: "learner" })),
});

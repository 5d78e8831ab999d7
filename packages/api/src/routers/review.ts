import { roleAtLeast } from "@mien/auth";

import {
  agreement,
  bulkFlag,
  bulkFlagInput,
  conflictsInput,
  decide,
  decideInput,
  imageHistory,
  imageInput,
  listConflicts,
  pageInput,
  resolve,
  resolveInput,
  reviewPage,
  undo,
} from "../review/index.ts";
import { adminProcedure, curatorProcedure, router } from "../trpc.ts";

export const reviewRouter = router({
  /** One keyset page of one class's grid, with only the viewer's own decisions. */
  page: curatorProcedure.input(pageInput).query(({ ctx, input }) => reviewPage(ctx.db, ctx.session.user.id, input)),

  decide: curatorProcedure.input(decideInput).mutation(({ ctx, input }) => decide(ctx.db, { curatorId: ctx.session.user.id, ...input })),

  undo: curatorProcedure.input(imageInput).mutation(({ ctx, input }) => undo(ctx.db, { curatorId: ctx.session.user.id, imageId: input.imageId })),

  bulkFlag: curatorProcedure.input(bulkFlagInput).mutation(({ ctx, input }) => bulkFlag(ctx.db, { curatorId: ctx.session.user.id, ...input })),

  /** Curators see their own actions on the image; admins see everyone's. */
  history: curatorProcedure.input(imageInput).query(({ ctx, input }) =>
    imageHistory(ctx.db, {
      imageId: input.imageId,
      viewerId: ctx.session.user.id,
      everyone: roleAtLeast(ctx.session.user.role, "admin"),
    }),
  ),

  /** Images whose reviewers disagree once enough have reviewed: the admin's resolution queue. */
  conflicts: adminProcedure.input(conflictsInput).query(({ ctx, input }) => listConflicts(ctx.db, input)),

  /** An admin's ruling on an image (accept, relabel or remove); it wins over the consensus. Audited. */
  resolve: adminProcedure.input(resolveInput).mutation(({ ctx, input }) => resolve(ctx.db, { adminId: ctx.session.user.id, ...input })),

  /** Fleiss' kappa between curators, per class and overall, with the images it covers. */
  agreement: adminProcedure.query(({ ctx }) => agreement(ctx.db)),
});

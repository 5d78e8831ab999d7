import { createSnapshot, createSnapshotInput, getSnapshot, listSnapshots, snapshotIdInput, snapshotStorage } from "../snapshots/index.ts";
import { adminProcedure, router } from "../trpc.ts";

export const snapshotsRouter = router({
  /** Every frozen snapshot, newest first. */
  list: adminProcedure.query(({ ctx }) => listSnapshots(ctx.db)),

  /** One snapshot: class balance per split, what was left out and why. */
  get: adminProcedure.input(snapshotIdInput).query(({ ctx, input }) => getSnapshot(ctx.db, input.id)),

  /** Freezes the current curated set; freezing the same content again returns the existing snapshot. */
  create: adminProcedure
    .input(createSnapshotInput)
    .mutation(({ ctx, input }) => createSnapshot(ctx.db, snapshotStorage(ctx.storage), { actorId: ctx.session.user.id, ...input })),
});

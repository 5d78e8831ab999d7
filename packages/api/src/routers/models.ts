import { z } from "zod";

import { promoteVersion, rollbackAlias } from "@mien/registry";

import { compareInput, compareOnSet, flippedImages, listEvalSets, pinEvalSet, pinEvalSetInput, queueMissingScores } from "../evaluation/index.ts";
import { listModelVersions } from "../models/list.ts";
import { snapshotStorage } from "../snapshots/index.ts";
import { adminProcedure, curatorProcedure, router } from "../trpc.ts";

export const modelsRouter = router({
  /** Versions with metrics, the active one, and what roll back would return to. */
  list: adminProcedure.query(({ ctx }) => listModelVersions(ctx.db)),
  /** Points `active` at a version; the web client loads it next. */
  promote: adminProcedure
    .input(z.object({ versionId: z.uuid() }))
    .mutation(({ ctx, input }) => promoteVersion(ctx.db, { versionId: input.versionId, actorId: ctx.session.user.id })),
  /** Returns `active` to the version it pointed at before its last move. */
  rollback: adminProcedure.mutation(({ ctx }) => rollbackAlias(ctx.db, { actorId: ctx.session.user.id })),
  /** Pinned evaluation sets, each with every version's figures on it. */
  evalSets: adminProcedure.query(({ ctx }) => listEvalSets(ctx.db)),
  /** What can be pinned: snapshots (their test or val split) and imports (optionally one split). */
  pinSources: adminProcedure.query(async ({ ctx }) => {
    const [snapshots, imports] = await Promise.all([
      ctx.db.datasetSnapshot.findMany({ orderBy: { createdAt: "desc" }, take: 50, select: { id: true, name: true, classCounts: true, createdAt: true } }),
      ctx.db.importRun.findMany({
        orderBy: { startedAt: "desc" },
        take: 50,
        where: { imported: { gt: 0 } },
        select: { id: true, root: true, imported: true, startedAt: true },
      }),
    ]);
    return { snapshots, imports };
  }),
  /** Pins a set (immutable, content-hashed) and queues every version's scoring on it. */
  pinEvalSet: adminProcedure.input(pinEvalSetInput).mutation(async ({ ctx, input }) => {
    const pinned = await pinEvalSet(ctx.db, snapshotStorage(ctx.storage), input, ctx.session.user.id);
    const queued = await queueMissingScores(ctx.db);
    return { ...pinned, queued };
  }),
  /** Two versions on one pinned set, from stored predictions: metrics, per-class deltas, McNemar. */
  compare: adminProcedure.input(compareInput).query(({ ctx, input }) => compareOnSet(ctx.db, input)),
  /** The images that flipped between two versions on a set (thumbnails are for curators and admins). */
  flips: curatorProcedure.input(compareInput).query(({ ctx, input }) => flippedImages(ctx.db, input)),
});

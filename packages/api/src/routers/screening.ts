import { z } from "zod";

import { SCREENING_STAGES } from "@mien/jobs";
import { screeningStatus, shippedScorecard, startScreening, THRESHOLDS } from "@mien/screening/control";

import { mislabelPrecision } from "../screening/mislabel-precision.ts";
import { adminProcedure, curatorProcedure, router } from "../trpc.ts";

const startInput = z
  .object({
    /** Recompute signals earlier runs stored, instead of screening only images without them. */
    force: z.boolean().default(false),
    stages: z.array(z.enum(SCREENING_STAGES)).min(1).optional(),
  })
  .default({ force: false });

export const screeningRouter = router({
  /** Starts a screening run over the whole set, or returns the one already under way. */
  start: adminProcedure.input(startInput).mutation(({ ctx, input }) =>
    startScreening(ctx.db, ctx.queues.screening, {
      actorId: ctx.session.user.id,
      options: { force: input.force, ...(input.stages ? { stages: input.stages } : {}) },
    }),
  ),

  /** The latest runs with per-stage progress; the newest also carries the screener's live report. */
  status: adminProcedure.query(async ({ ctx }) => ({ runs: await screeningStatus(ctx.db, ctx.queues.screening, 5) })),

  /** Where each signal becomes an automatic flag, so the review page can explain a flag. */
  thresholds: curatorProcedure.query(() => THRESHOLDS),

  /** How far each flag can be trusted: the planted-case benchmark shipped with this version (pnpm bench:signals). */
  scorecard: curatorProcedure.query(() => shippedScorecard()),

  /** How often curators agree with the mislabel flag, per given label (from their live decisions). */
  mislabelPrecision: curatorProcedure.query(({ ctx }) => mislabelPrecision(ctx.db)),
});

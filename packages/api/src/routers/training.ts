import { z } from "zod";

import { cancelTraining, getTrainingJob, listTrainingJobs, retryTraining, startTraining, trainingOptions } from "../training/index.ts";
import { adminProcedure, router } from "../trpc.ts";

const byId = z.object({ id: z.uuid() });

export const trainingRouter = router({
  /** Snapshots, backbones (with provenance) and the default recipe, for the admin form. */
  options: adminProcedure.query(({ ctx }) => trainingOptions(ctx.db)),
  list: adminProcedure.query(({ ctx }) => listTrainingJobs(ctx.db)),
  get: adminProcedure.input(byId).query(({ ctx, input }) => getTrainingJob(ctx.db, ctx.queues.training, input.id)),
  /** Validated against the zod training config inside (errors name the field). */
  start: adminProcedure
    .input(z.object({ config: z.unknown() }))
    .mutation(({ ctx, input }) => startTraining(ctx.db, ctx.queues.training, { config: input.config, actorId: ctx.session.user.id })),
  cancel: adminProcedure.input(byId).mutation(({ ctx, input }) => cancelTraining(ctx.db, ctx.queues.training, { id: input.id, actorId: ctx.session.user.id })),
  retry: adminProcedure.input(byId).mutation(({ ctx, input }) => retryTraining(ctx.db, ctx.queues.training, { id: input.id, actorId: ctx.session.user.id })),
});

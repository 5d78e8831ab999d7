import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { cancelTraining, defaultTrainingQueue, getTrainingJob, listTrainingJobs, retryTraining, startTraining, TrainingError, trainingOptions, type TrainingQueue } from "../training/index.ts";
import { adminProcedure, router } from "../trpc.ts";

let queueOverride: TrainingQueue | null = null;
/** Tests point the router at their own queue (unique prefix). */
export function useTrainingQueue(queue: TrainingQueue | null): void {
  queueOverride = queue;
}
const queue = () => queueOverride ?? defaultTrainingQueue();

async function domain<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TrainingError) throw new TRPCError({ code: error.code, message: error.message });
    throw error;
  }
}

const byId = z.object({ id: z.uuid() });

export const trainingRouter = router({
  /** Snapshots, backbones (with provenance) and the default recipe, for the admin form. */
  options: adminProcedure.query(({ ctx }) => trainingOptions(ctx.db)),
  list: adminProcedure.query(({ ctx }) => listTrainingJobs(ctx.db)),
  get: adminProcedure.input(byId).query(({ ctx, input }) => domain(() => getTrainingJob(ctx.db, queue(), input.id))),
  /** Validated against the zod training config inside (errors name the field). */
  start: adminProcedure
    .input(z.object({ config: z.unknown() }))
    .mutation(({ ctx, input }) => domain(() => startTraining(ctx.db, queue(), { config: input.config, actorId: ctx.session.user.id }))),
  cancel: adminProcedure.input(byId).mutation(({ ctx, input }) => domain(() => cancelTraining(ctx.db, queue(), { id: input.id, actorId: ctx.session.user.id }))),
  retry: adminProcedure.input(byId).mutation(({ ctx, input }) => domain(() => retryTraining(ctx.db, queue(), { id: input.id, actorId: ctx.session.user.id }))),
});

import { UnrecoverableError, Worker } from "bullmq";

import { evaluationQueue, logRedisConnection, QUEUE_NAMES, queueEvalScores, redisConnection, type EvaluationJobPayload } from "@mien/jobs";
import { ensureEvalScores } from "@mien/registry";

import { createEvaluationHandler, type EvaluationDeps } from "./handler.ts";

export interface EvaluatorOptions {
  redisUrl: string;
  prefix: string;
  deps: Omit<EvaluationDeps, "log">;
  log?: (line: string) => void;
}

export interface Evaluator {
  worker: Worker<EvaluationJobPayload>;
  /** Queues every version × pinned set not yet scored (after a publish, and at start for versions registered elsewhere). */
  queueMissing(): Promise<number>;
  close(): Promise<void>;
}

/** The evaluation worker: scores published versions on pinned sets, one at a time. */
export function startEvaluator({ redisUrl, prefix, deps, log = console.log }: EvaluatorOptions): Evaluator {
  const { db } = deps;
  const queue = evaluationQueue({ redisUrl, prefix });
  const worker = new Worker<EvaluationJobPayload>(QUEUE_NAMES.evaluation, createEvaluationHandler({ ...deps, log }), {
    connection: redisConnection(redisUrl),
    prefix,
    concurrency: 1,
    maxStalledCount: 3,
  });
  worker.on("failed", (job, err) => {
    log(`evaluation job ${job?.id ?? "?"} failed: ${err.message}`);
    const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const scoreId = job?.data?.scoreId;
    if (final && scoreId) {
      void db.evalScore
        .updateMany({
          where: { id: scoreId, status: { in: ["queued", "running"] } },
          data: { status: "failed", error: err.message.slice(0, 2000), finishedAt: new Date() },
        })
        .catch((e: unknown) => log(`could not mark score ${scoreId} failed: ${(e as Error).message}`));
    }
  });
  worker.on("error", (err) => log(`evaluator error: ${err.message}`));
  logRedisConnection(worker, log, "evaluator");
  const queueMissing = async () => {
    const ids = await ensureEvalScores(db);
    await queueEvalScores(queue, ids);
    return ids.length;
  };
  return {
    worker,
    queueMissing,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

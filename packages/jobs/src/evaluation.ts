import { Queue } from "bullmq";
import { z } from "zod";

import { QUEUE_NAMES, redisConnection, type QueueTarget } from "./queues.ts";

/**
 * Payload of an evaluation job: one version scored on one pinned set. The pair lives in the
 * eval_score row, so the payload names the row; `v` lets a worker refuse payloads it does not know.
 */
export const evaluationJobPayload = z.object({
  v: z.literal(1),
  scoreId: z.uuid(),
});
export type EvaluationJobPayload = z.infer<typeof evaluationJobPayload>;

/** What the evaluation worker reports through `job.updateProgress`. */
export const evaluationProgress = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type EvaluationProgress = z.infer<typeof evaluationProgress>;

export function evaluationQueue(t: QueueTarget): Queue<EvaluationJobPayload> {
  return new Queue<EvaluationJobPayload>(QUEUE_NAMES.evaluation, {
    connection: redisConnection(t.redisUrl),
    prefix: t.prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000 },
    },
  });
}

/** Queues score rows; the row id is the job id, so a row already waiting or running is not queued twice. */
export async function queueEvalScores(queue: Queue<EvaluationJobPayload>, scoreIds: readonly string[]): Promise<void> {
  if (!scoreIds.length) return;
  await queue.addBulk(scoreIds.map((scoreId) => ({ name: "score", data: { v: 1 as const, scoreId }, opts: { jobId: scoreId } })));
}

import type { Queue } from "bullmq";

import type { Db } from "@mien/db";
import { envValue } from "@mien/env";
import { evaluationQueue, queueEvalScores, type EvaluationJobPayload } from "@mien/jobs";
import { ensureEvalScores } from "@mien/registry";

let queue: Queue<EvaluationJobPayload> | null = null;

/** The evaluation queue of this server process, made on first use. */
export function evaluationQueueFromEnv(): Queue<EvaluationJobPayload> {
  queue ??= evaluationQueue({ redisUrl: envValue("REDIS_URL"), prefix: envValue("MIEN_QUEUE_PREFIX") });
  return queue;
}

export async function closeEvaluationQueue(): Promise<void> {
  const q = queue;
  queue = null;
  await q?.close();
}

/** Queues every version × pinned set not yet scored. */
export async function queueMissingScores(db: Db, q: Queue<EvaluationJobPayload> = evaluationQueueFromEnv()): Promise<number> {
  const ids = await ensureEvalScores(db);
  await queueEvalScores(q, ids);
  return ids.length;
}

import type { Queue } from "bullmq";
import { envValue } from "@mien/env";
import { trainingQueue } from "@mien/jobs";

let queue: Queue | null = null;

/** The training queue of this process (REDIS_URL, MIEN_QUEUE_PREFIX); tests pass their own. */
export function defaultTrainingQueue(): Queue {
  return (queue ??= trainingQueue(envValue("REDIS_URL")));
}

/** What the training domain needs from the queue (a BullMQ Queue fits). */
export type TrainingQueue = Pick<Queue, "add" | "getJob">;

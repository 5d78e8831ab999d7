import type { Queue } from "bullmq";

import { envValue } from "@mien/env";
import { screeningQueue, trainingQueue, type ScreeningJobPayload } from "@mien/jobs";

import type { TrainingQueue } from "./training/queue.ts";

/** The queues the API adds jobs to. A context without them uses this process's (see below). */
export interface ApiQueues {
  training: TrainingQueue;
  screening: Queue<ScreeningJobPayload>;
}

let training: Queue | null = null;
let screening: Queue<ScreeningJobPayload> | null = null;

/**
 * This server process's queues (REDIS_URL, MIEN_QUEUE_PREFIX as validated by @mien/env), each made
 * on first use, so that pages not touching a queue never open Redis. Tests pass their own in the
 * context instead.
 */
export function processQueues(given: Partial<ApiQueues> | undefined): ApiQueues {
  return {
    get training() {
      return given?.training ?? (training ??= trainingQueue({ redisUrl: envValue("REDIS_URL"), prefix: envValue("MIEN_QUEUE_PREFIX") }));
    },
    get screening() {
      return given?.screening ?? (screening ??= screeningQueue(envValue("REDIS_URL"), { prefix: envValue("MIEN_QUEUE_PREFIX") }));
    },
  };
}

/** Closes this process's queue connections (tests, shutdown). */
export async function closeProcessQueues(): Promise<void> {
  const open = [training, screening];
  training = screening = null;
  await Promise.all(open.map((q) => q?.close()));
}

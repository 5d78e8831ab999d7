import type { Queue } from "bullmq";
import { envValue } from "@mien/env";
import { screeningQueue, type ScreeningJobPayload } from "@mien/jobs";

let queue: Queue<ScreeningJobPayload> | null = null;

/**
 * The screening queue of this server process (REDIS_URL, MIEN_QUEUE_PREFIX as validated by
 * @mien/env), made on first use so that pages not touching screening never open Redis.
 */
export function screeningQueueFromEnv(): Queue<ScreeningJobPayload> {
  queue ??= screeningQueue(envValue("REDIS_URL"), { prefix: envValue("MIEN_QUEUE_PREFIX") });
  return queue;
}

/** Closes the process's queue connection (tests, shutdown). */
export async function closeScreeningQueue(): Promise<void> {
  const q = queue;
  queue = null;
  await q?.close();
}

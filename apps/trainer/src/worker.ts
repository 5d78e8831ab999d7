import { Worker } from "bullmq";

import { logRedisConnection, QUEUE_NAMES, queuePrefix, redisConnection } from "@mien/jobs";

import { createTrainingHandler, type TrainerDeps } from "./handler.ts";

export interface TrainerOptions {
  redisUrl: string;
  /** BullMQ key prefix (MIEN_QUEUE_PREFIX). */
  prefix?: string;
  deps: Omit<TrainerDeps, "lockDuration" | "log">;
  concurrency?: number;
  /** How long a job stays locked without renewal; a killed worker's job is retried after this. */
  lockDuration?: number;
  /** How often stalled jobs (a killed worker's) are looked for. */
  stalledInterval?: number;
  log?: (line: string) => void;
}

/**
 * One BullMQ worker on the training queue. BullMQ's job lock keeps two workers off the same job;
 * the handler also re-checks the lock before each checkpoint and before publishing.
 */
export function startTrainer({
  redisUrl,
  prefix,
  deps,
  concurrency = 1,
  lockDuration = 60_000,
  stalledInterval = 30_000,
  log = console.log,
}: TrainerOptions): Worker {
  const handler = createTrainingHandler({ ...deps, lockDuration, log });
  const worker = new Worker(QUEUE_NAMES.training, handler, {
    connection: redisConnection(redisUrl),
    prefix: prefix ?? queuePrefix(),
    concurrency,
    lockDuration,
    stalledInterval,
    // A worker killed mid-job is picked up again; a job that keeps killing workers fails.
    maxStalledCount: 3,
  });
  worker.on("active", (job) => log(`training job ${job.id} started (attempt ${job.attemptsMade + 1})`));
  worker.on("completed", (job) => log(`training job ${job.id} completed`));
  worker.on("failed", (job, err) => log(`training job ${job?.id ?? "?"} failed: ${err.message}`));
  worker.on("stalled", (jobId) => log(`training job ${jobId} stalled (its worker died?); it will be resumed`));
  worker.on("error", (err) => log(`trainer error: ${err.message}`));
  logRedisConnection(worker, log, "trainer");
  return worker;
}

import { Queue, QueueEvents, type ConnectionOptions } from "bullmq";

import { envValue } from "@mien/env";

export const QUEUE_NAMES = {
  training: "mien-training",
  screening: "mien-screening",
  evaluation: "mien-evaluation",
} as const;

/** BullMQ's own default key prefix (the env schema's default); MIEN_QUEUE_PREFIX changes it (tests use one per run). */
export const DEFAULT_QUEUE_PREFIX = "bull";

export interface QueueTarget {
  redisUrl: string;
  /** Redis key prefix; queues with different prefixes never see each other's jobs. */
  prefix?: string;
}

/** BullMQ connection options from a redis:// URL. Workers must not give up on a slow Redis. */
export function redisConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/** Reads MIEN_QUEUE_PREFIX (the same in web, CLI and worker). */
export function queuePrefix(env: NodeJS.ProcessEnv = process.env): string {
  return envValue("MIEN_QUEUE_PREFIX", env);
}

function target(t: string | QueueTarget): Required<QueueTarget> {
  return typeof t === "string" ? { redisUrl: t, prefix: queuePrefix() } : { redisUrl: t.redisUrl, prefix: t.prefix ?? queuePrefix() };
}

/**
 * The training queue. Failed attempts retry with exponential backoff; a job's id is its
 * TrainingJob row id, so the same training job is never queued twice.
 */
export function trainingQueue(t: string | QueueTarget): Queue {
  const { redisUrl, prefix } = target(t);
  return new Queue(QUEUE_NAMES.training, {
    connection: redisConnection(redisUrl),
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000 },
    },
  });
}

export function trainingQueueEvents(t: string | QueueTarget): QueueEvents {
  const { redisUrl, prefix } = target(t);
  return new QueueEvents(QUEUE_NAMES.training, { connection: redisConnection(redisUrl), prefix });
}

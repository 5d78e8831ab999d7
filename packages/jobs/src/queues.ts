import { Queue, QueueEvents, type ConnectionOptions } from "bullmq";

export const QUEUE_NAMES = {
  training: "mien-training",
} as const;

/** BullMQ connection options from a redis:// URL. Workers must not give up on a slow Redis. */
export function redisConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null, enableOfflineQueue: true };
}

export function trainingQueue(redisUrl: string): Queue {
  return new Queue(QUEUE_NAMES.training, {
    connection: redisConnection(redisUrl),
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000 },
    },
  });
}

export function trainingQueueEvents(redisUrl: string): QueueEvents {
  return new QueueEvents(QUEUE_NAMES.training, { connection: redisConnection(redisUrl) });
}

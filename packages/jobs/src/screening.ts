import { Queue, QueueEvents } from "bullmq";
import { z } from "zod";

import { QUEUE_NAMES, redisConnection } from "./queues.ts";

/** What screens the image set, in the order a run goes through them. */
export const SCREENING_STAGES = ["duplicates", "faces", "ocr", "embeddings", "mislabel", "flags"] as const;
export type ScreeningStage = (typeof SCREENING_STAGES)[number];

/**
 * Payload of a screening job. The run's stages, options and resume points live in the
 * screening_run row, so the payload only names the run; `v` lets a worker refuse payloads
 * it does not understand instead of misreading them.
 */
export const screeningJobPayload = z.object({
  v: z.literal(1),
  runId: z.uuid(),
});
export type ScreeningJobPayload = z.infer<typeof screeningJobPayload>;

/** What the screener reports through BullMQ's `job.updateProgress`. */
export const screeningProgress = z.object({
  stage: z.enum(SCREENING_STAGES),
  /** 1-based position of the stage in this run, and how many stages the run has. */
  stageNumber: z.number().int().min(1),
  stageCount: z.number().int().min(1),
  /** Images (or steps) done and to do in this stage. */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Whole run, 0–100. */
  percent: z.number().min(0).max(100),
  message: z.string().max(500).optional(),
});
export type ScreeningProgress = z.infer<typeof screeningProgress>;

export interface QueueOptions {
  /** BullMQ key prefix; separate prefixes keep test runs and deployments off each other's jobs. */
  prefix?: string;
}

export function screeningQueue(redisUrl: string, options: QueueOptions = {}): Queue<ScreeningJobPayload> {
  return new Queue<ScreeningJobPayload>(QUEUE_NAMES.screening, {
    connection: redisConnection(redisUrl),
    prefix: options.prefix,
    defaultJobOptions: {
      // A failed attempt resumes from the run's last finished batch, so retrying is cheap.
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 100 },
    },
  });
}

export function screeningQueueEvents(redisUrl: string, options: QueueOptions = {}): QueueEvents {
  return new QueueEvents(QUEUE_NAMES.screening, { connection: redisConnection(redisUrl), prefix: options.prefix });
}

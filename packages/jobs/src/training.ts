import { z } from "zod";

/**
 * Payload of a training job on the queue. Versioned so a worker can refuse
 * payloads it does not understand instead of misreading them.
 * The full training config (backbone, augmentations, schedule) lands with the trainer issue.
 */
export const trainingJobPayload = z.object({
  v: z.literal(1),
  trainingJobId: z.string().uuid(),
  snapshotId: z.string().uuid(),
});

export type TrainingJobPayload = z.infer<typeof trainingJobPayload>;

/** What the worker reports through BullMQ's own `job.updateProgress`. */
export const trainingProgress = z.object({
  stage: z.enum(["preparing", "training", "evaluating", "publishing", "done"]),
  percent: z.number().min(0).max(100),
  epoch: z.number().int().nonnegative().optional(),
  message: z.string().max(500).optional(),
});

export type TrainingProgress = z.infer<typeof trainingProgress>;

import { z } from "zod";

// The classes module alone: the coach page imports these schemas for its offline queue.
import { EXPRESSION_CLASSES } from "@mien/model/classes";

/** One class's share of what the face read as. */
export const readAsEntry = z.object({
  expression: z.enum(EXPRESSION_CLASSES),
  probability: z.number().min(0).max(1),
});

/** How far a device clock may run ahead of the server's before an attempt's time is refused. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** An attempt queued offline may wait on the device this long; older ones are refused. */
export const MAX_QUEUED_AGE_MS = 365 * 24 * 3600_000;

/**
 * A practice attempt as the coach page reports it: scores and class shares only. `strict` makes
 * the API refuse any other field, so nothing resembling an image can ride along.
 */
export const practiceAttemptInput = z
  .object({
    /** Made by the browser when the attempt ends: the idempotency key of its (re)sends. */
    id: z.uuid(),
    /** When the attempt ended, by the device's clock (an attempt made offline arrives later). */
    madeAt: z
      .date()
      .refine((d) => d.getTime() <= Date.now() + CLOCK_SKEW_MS, "The attempt's time is in the future: check this device's clock.")
      .refine((d) => d.getTime() >= Date.now() - MAX_QUEUED_AGE_MS, "The attempt is more than a year old and is no longer accepted."),
    target: z.enum(EXPRESSION_CLASSES),
    score: z.number().int().min(0).max(100),
    succeeded: z.boolean(),
    holdMs: z.number().int().min(500).max(30_000),
    durationMs: z.number().int().min(0).max(600_000),
    calibrated: z.boolean(),
    readAs: z.array(readAsEntry.strict()).min(1).max(3),
  })
  .strict();

export const coachSessionInput = z
  .object({
    /** Made by the browser when the coach page opens. */
    id: z.uuid(),
    modelKey: z.string().min(1).max(200),
    modelName: z.string().min(1).max(200),
  })
  .strict();

export const saveAttemptInput = z.object({ session: coachSessionInput, attempt: practiceAttemptInput }).strict();

export type PracticeAttemptInput = z.infer<typeof practiceAttemptInput>;
export type SaveAttemptInput = z.infer<typeof saveAttemptInput>;
export type ReadAsEntry = z.infer<typeof readAsEntry>;

import { z } from "zod";
import { EXPRESSION_CLASSES } from "@mien/model";

/** One class's share of what the face read as. */
export const readAsEntry = z.object({
  expression: z.enum(EXPRESSION_CLASSES),
  probability: z.number().min(0).max(1),
});

/**
 * A practice attempt as the coach page reports it: scores and class shares only. `strict` makes
 * the API refuse any other field, so nothing resembling an image can ride along.
 */
export const practiceAttemptInput = z
  .object({
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

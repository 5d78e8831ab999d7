import { z } from "zod";

import { SCREENING_STAGES, type ScreeningStage } from "@mien/jobs";

/** What one screening run does; stored on the run, so a resumed run keeps its settings. */
export const screeningOptions = z.object({
  /** Stages to run; they always run in the pipeline's order (faces before embeddings, embeddings before mislabel…). */
  stages: z
    .array(z.enum(SCREENING_STAGES))
    .min(1, "Choose at least one stage.")
    .default([...SCREENING_STAGES])
    .transform((stages) => SCREENING_STAGES.filter((s) => stages.includes(s))),
  /** Recompute per-image signals an earlier run already stored (otherwise only images without them are done). */
  force: z.boolean().default(false),
  /** Images per committed batch: a killed run redoes at most one batch per stage. */
  batchSize: z.number().int().min(1).max(1000).default(64),
  /** Tesseract threads reading text in parallel. */
  ocrWorkers: z.number().int().min(1).max(16).default(1),
  /** Folds of the out-of-fold classifier behind mislabel suspicion. */
  folds: z.number().int().min(2).max(20).default(5),
  /**
   * The mislabel flag's ceiling on the given label's probability, when not THRESHOLDS'
   * (bench:mislabel --ceilings sweeps it on planted flips).
   */
  mislabelCeiling: z.number().gt(0, "The mislabel ceiling must be above 0.").max(1, "The mislabel ceiling must be at most 1.").optional(),
});
export type ScreeningOptions = z.output<typeof screeningOptions>;
export type ScreeningOptionsInput = z.input<typeof screeningOptions>;

/** Rough share of a run's time each stage takes (OCR dominates), for one honest progress bar. */
export const STAGE_WEIGHTS: Readonly<Record<ScreeningStage, number>> = {
  duplicates: 3,
  faces: 15,
  ocr: 50,
  embeddings: 15,
  mislabel: 12,
  flags: 5,
};

export interface StageProgressLike {
  stage: string;
  done: boolean;
  processed: number;
  total: number;
}

/** Percent of a whole run done, from its stages' progress (finished stages count in full). */
export function runPercent(stages: readonly StageProgressLike[]): number {
  const weight = (s: string) => STAGE_WEIGHTS[s as ScreeningStage] ?? 1;
  const all = stages.reduce((sum, s) => sum + weight(s.stage), 0);
  if (all === 0) return 0;
  const done = stages.reduce((sum, s) => sum + weight(s.stage) * (s.done ? 1 : s.total > 0 ? Math.min(1, s.processed / s.total) : 0), 0);
  return Math.round((1000 * done) / all) / 10;
}

import type { ExpressionClass } from "../classes.ts";
import type { CnnArchitectureId, FinetuneBackboneId, ProgressiveResize } from "../cnn/architectures.ts";
import type { LearningRateSchedule } from "./lr-schedule.ts";

/**
 * What the pipeline needs from a training job's config. @mien/jobs' zod-validated
 * TrainingConfig satisfies it; it is restated here so that packages/model imports nothing above it.
 */
export interface TrainingRecipe {
  name: string;
  classes: readonly ExpressionClass[];
  balancing: "none" | "class-weights" | "oversample";
  backbones: readonly string[];
  colour: "gray" | "rgb";
  augmentations: {
    flip: boolean;
    rotation: { enabled: boolean; amount: number };
    shift: { enabled: boolean; amount: number };
    shear: { enabled: boolean; amount: number };
    zoom: { enabled: boolean; amount: number };
    brightness: { enabled: boolean; amount: number };
    copies: number;
  };
  head: { hidden: readonly number[]; inputDropout: number; dropout: number; l2: number };
  epochs: number;
  batchSize: number;
  learningRate: LearningRateSchedule;
  earlyStopping: { enabled: boolean; patience: number };
  tta: "none" | "flip";
  quantization: "float16" | "uint8";
  abstainTargetAccuracy: number;
  faceBox: { scale: number; shiftY: number };
  /** head: a dense head on frozen embeddings; finetune: the top blocks of a face backbone; scratch: a CNN from pixels. */
  mode: "head" | "finetune" | "scratch";
  conv: {
    architecture: CnnArchitectureId;
    backbone: FinetuneBackboneId;
    /** finetune: how many top blocks train (the rest is frozen and its output cached). */
    trainableBlocks: number;
    dropout: number;
    weightDecay: number;
    labelSmoothing: number;
    /** Probability of random erasing per image. */
    erase: number;
    /** Contrast change, ±. */
    contrast: number;
    /** Ghost batches per step (data-parallel shards); results depend on this, not on threads. */
    shards: number;
    /** scratch: mix a teacher model's probabilities into each target, (1 − weight) · label + weight · teacher. */
    distill?: { teacher: string; weight: number };
    /** Conv modes: weight averaging, the decay per step of the weights' moving average (off when absent). */
    averaging?: number;
    /** scratch: mutual distillation, `members` networks trained together, each target mixed with the peers' probabilities by `weight` after `burnIn` epochs alone (0 when absent); with `dropRate`, co-teaching (CohortSpec.dropRate). */
    cohort?: { members: number; weight: number; burnIn?: number; dropRate?: number };
    /** scratch: progressive resizing, the first epochs on smaller faces (ProgressiveResize). */
    progressive?: ProgressiveResize;
  };
  seed: number;
}

export type Split = "train" | "val" | "test";

/** One image of the snapshot, by content. */
export interface TrainingImage {
  sha256: string;
  label: ExpressionClass;
  split: Split;
}

/** The random augmentations a recipe turns on, with their strengths (empty when copies are off). */
export function enabledAugmentations(recipe: TrainingRecipe): Record<string, number> {
  const a = recipe.augmentations;
  if (a.copies === 0) return {};
  const out: Record<string, number> = {};
  for (const key of ["rotation", "shift", "shear", "zoom", "brightness"] as const) if (a[key].enabled && a[key].amount > 0) out[key] = a[key].amount;
  return out;
}

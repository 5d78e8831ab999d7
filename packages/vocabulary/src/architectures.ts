/**
 * Conv architectures an admin can choose for training from scratch (browser-safe: no TF.js).
 * Each is a compact VGG-style stack measured on this project's 2-core machine; see
 * `pnpm bench:kernels` for its training throughput.
 */
export const CNN_ARCHITECTURES = {
  "cnn-s": { label: "Small CNN (16·32·64·128, 0.3 M parameters)", stages: [16, 32, 64, 128], convs: 2 },
  "cnn-sw": { label: "Small CNN, wide top (16·32·96·192, 0.6 M parameters)", stages: [16, 32, 96, 192], convs: 2 },
  "cnn-m": { label: "Medium CNN (32·64·128·256, 1.2 M parameters)", stages: [32, 64, 128, 256], convs: 2 },
} as const;
export type CnnArchitectureId = keyof typeof CNN_ARCHITECTURES;
export const CNN_ARCHITECTURE_IDS = Object.keys(CNN_ARCHITECTURES) as CnnArchitectureId[];

/** Backbones whose top blocks `finetune` can train, with their block count (see backbones/trunks.ts). */
export const FINETUNE_BACKBONES = { "faceapi-expression": { blocks: 4, label: "face-api expression net (112 px, 4 dense blocks)" } } as const;
export type FinetuneBackboneId = keyof typeof FINETUNE_BACKBONES;
export const FINETUNE_BACKBONE_IDS = Object.keys(FINETUNE_BACKBONES) as FinetuneBackboneId[];

/** Training from pixels sees gray faces of this size (FER2013's own). */
export const SCRATCH_INPUT_SIZE = 48;

/**
 * Progressive resizing: the first `epochs` epochs of a scratch run train on smaller faces, the side
 * growing in 4 px steps from `startSide` at epoch 1 towards the full side, which every later epoch
 * (and every evaluation) uses. A conv layer's cost scales with the side squared, so early epochs are
 * cheap while the network learns coarse shapes; the last epochs at full size settle the details and
 * the batch-norm statistics the published model runs with.
 */
export interface ProgressiveResize {
  startSide: number;
  epochs: number;
}

/** The smallest side progressive resizing starts from: there four 2×2 poolings already leave 1 px. */
export const PROGRESSIVE_MIN_SIDE = 24;

/** The side a (1-based) epoch trains at. */
export function progressiveSide(fullSide: number, resize: ProgressiveResize | undefined, epoch: number): number {
  // A schedule still being typed (a box emptied to NaN) trains at full size.
  if (!resize || !(epoch <= resize.epochs) || !Number.isFinite(resize.startSide)) return fullSide;
  const side = resize.startSide + ((fullSide - resize.startSide) * (epoch - 1)) / resize.epochs;
  return Math.min(fullSide, Math.max(PROGRESSIVE_MIN_SIDE, Math.round(side / 4) * 4));
}

/**
 * The share of a full-size step's time that does not shrink with the side: the augmentation (at full
 * size), the gradients' transfer and the optimiser. `pnpm bench:kernels` (2026-12-07) timed cnn-s at
 * 32 px at 0.48–0.53 of its time at 48 px per image, where (32 / 48)² alone would say 0.44.
 */
export const PROGRESSIVE_FIXED_SHARE = 0.2;

/** An epoch's training time at `side` relative to one at full size: the fixed share plus the rest scaled by (side / full)². */
export function sideCost(fullSide: number, side: number): number {
  return PROGRESSIVE_FIXED_SHARE + (1 - PROGRESSIVE_FIXED_SHARE) * (side / fullSide) ** 2;
}

/** A run's training time relative to the same epochs at full size (the mean of its epochs' sideCost). */
export function progressiveCost(fullSide: number, resize: ProgressiveResize | undefined, epochs: number): number {
  if (!resize || epochs < 1) return 1;
  let sum = 0;
  for (let e = 1; e <= epochs; e++) sum += sideCost(fullSide, progressiveSide(fullSide, resize, e));
  return sum / epochs;
}

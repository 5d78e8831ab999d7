import type { NetSpec } from "./create-net.ts";
import type { FeatureDataset, PixelDataset, TrainingDataset } from "./dataset-buffer.ts";
import type { BnBatchStats } from "./net.ts";
import type { InputNorm } from "./shard.ts";

/** A shard of a step by image index (the pixels stay in the shared data set). */
export interface ShardRef {
  indices: Int32Array;
  labels: Int32Array;
  draws: Float32Array | null;
  classWeights: Float32Array | null;
  labelSmoothing: number;
  /** Distillation targets for these images ([n × classes]) and their share of the target. */
  soft?: Float32Array | null;
  softWeight?: number;
  /** A cohort's peers' share of each target this step (0 during burn-in). */
  mutualWeight?: number;
  /** Co-teaching: the share of the shard each member skips this step (0 during burn-in). */
  dropRate?: number;
  /** Progressive resizing: the side this step trains at, when smaller than the data's (augmented at full size, then scaled down). */
  side?: number;
  batchTotal: number;
  dropoutSeed: number;
}

export interface WorkerInit {
  net: NetSpec;
  seed: number;
  /** Force a TF.js backend ("wasm", "cpu", "tensorflow"); default: the best that loads. */
  backend?: string;
  /** The rows training reads (pixels, or trunk features). */
  data: TrainingDataset;
  /** How pixel rows are normalised (ignored for features). */
  norm: InputNorm;
  /** Fine-tuning: the images to run the frozen trunk on, and where its outputs go. */
  trunk?: { id: string; blocks: number; pixels: PixelDataset; out: FeatureDataset };
}

export type ToWorker =
  | { type: "step"; id: number; params: Float32Array[]; shards: ShardRef[] }
  | { type: "predict"; id: number; params: Float32Array[]; state: Float32Array[]; indices: Int32Array; flip: boolean }
  | { type: "weights"; id: number }
  /** Fine-tuning: run the frozen trunk on pixel rows `from`..`to` (mirrored when `flip`), storing features from row `outRow`. */
  | { type: "trunk"; id: number; from: number; to: number; flip: boolean; outRow: number }
  | { type: "close" };

export interface ShardOutcome {
  grads: Float32Array[];
  loss: number;
  correct: number;
  stats: BnBatchStats[];
}

export type FromWorker =
  | { type: "ready"; backend: string; paramNames: string[]; paramShapes: number[][]; stateNames: string[] }
  | { type: "step"; id: number; results: ShardOutcome[] }
  | { type: "predict"; id: number; logits: Float32Array }
  | { type: "weights"; id: number; params: Float32Array[]; state: Float32Array[] }
  | { type: "trunk"; id: number }
  | { type: "error"; id?: number; message: string };

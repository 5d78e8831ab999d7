import * as tf from "@tensorflow/tfjs";

import { DRAW_WIDTH } from "./augment-draws.ts";
import { cohortLoss, cohortPrediction } from "./cohort.ts";
import type { BnBatchStats, TrainableNet } from "./net.ts";

/** How a batch of 0..255 pixels becomes the network's input. */
export interface InputNorm {
  mean: number;
  scale: number;
}

/** What a worker's rows are: pixels to augment and normalise, or a frozen trunk's features. */
export type InputLayout = { kind: "pixels"; side: number; channels: number; norm: InputNorm } | { kind: "features"; shape: [number, number, number] };

/** One shard of one training step, as sent to a worker. */
export interface ShardTask {
  /** [n, side, side, channels] pixels 0..255, or [n, h, w, c] features. */
  rows: Uint8Array | Float32Array;
  n: number;
  labels: Int32Array;
  /** drawAugmentations() output for these n images, or null for none. */
  draws: Float32Array | null;
  /** Loss weight per class (null: all 1). */
  classWeights: Float32Array | null;
  labelSmoothing: number;
  /** Distillation: a teacher's probabilities for these n images, [n × classes], mixed into the target with `softWeight`. */
  soft?: Float32Array | null;
  softWeight?: number;
  /** A cohort's peers' share of each target this step (cohortMutualWeight: 0 during burn-in); required for a cohort. */
  mutualWeight?: number;
  /** Co-teaching: the share of the shard each cohort member skips this step (cohortDropRate; 0 or absent: none). */
  dropRate?: number;
  /** Progressive resizing: the side this step trains at, when smaller than the data's (augmented at full size, then scaled down). */
  side?: number;
  /** Images in the whole step: shard losses are sums divided by this, so shard gradients add up. */
  batchTotal: number;
  dropoutSeed: number;
}

export interface ShardResult {
  /** One gradient per parameter, in net.params order. */
  grads: Float32Array[];
  /** Σ of the shard's weighted losses / batchTotal. */
  loss: number;
  correct: number;
  stats: BnBatchStats[];
}

/** Rows (and draws, for pixels) → the network's input tensor. */
export function shardInput(task: Pick<ShardTask, "rows" | "n" | "draws" | "side">, layout: InputLayout): tf.Tensor4D {
  if (layout.kind === "features") return tf.tensor4d(task.rows as Float32Array, [task.n, ...layout.shape]);
  const { side, channels, norm } = layout;
  return tf.tidy(() => {
    let x = tf.tensor4d(Float32Array.from(task.rows), [task.n, side, side, channels]);
    if (task.draws) {
      const d = task.draws;
      const rows: number[][] = [];
      const gain: number[] = [];
      const offset: number[] = [];
      const mask = new Float32Array(task.n * side * side);
      mask.fill(1);
      let erased = false;
      for (let i = 0; i < task.n; i++) {
        const o = i * DRAW_WIDTH;
        rows.push(Array.from(d.subarray(o, o + 8)));
        gain.push(d[o + 8]!);
        offset.push(d[o + 9]!);
        const [x0, y0, x1, y1] = [d[o + 10]!, d[o + 11]!, d[o + 12]!, d[o + 13]!];
        if (x1 > x0 && y1 > y0) {
          erased = true;
          for (let y = y0; y < y1; y++) mask.fill(0, i * side * side + y * side + x0, i * side * side + y * side + x1);
        }
      }
      x = tf.image.transform(x, tf.tensor2d(rows, [task.n, 8]), "bilinear", "nearest");
      // Contrast about mid-gray, then brightness.
      x = tf.add(tf.mul(tf.sub(x, 128), tf.tensor4d(gain, [task.n, 1, 1, 1])), tf.add(tf.tensor4d(offset, [task.n, 1, 1, 1]), 128));
      x = tf.clipByValue(x, 0, 255);
      // Erased pixels become mid-gray (0 after normalisation).
      if (erased) x = tf.add(tf.mul(tf.sub(x, 128), tf.tensor4d(mask, [task.n, side, side, 1])), 128);
    }
    if (task.side !== undefined && task.side !== side) {
      if (task.side > side) throw new Error(`A step cannot train at ${task.side} px on ${side} px images.`);
      x = tf.image.resizeBilinear(x, [task.side, task.side], false, true);
    }
    return tf.mul(tf.sub(x, norm.mean), norm.scale) as tf.Tensor4D;
  });
}

/**
 * Weighted cross-entropy summed over the shard (divided by batchTotal), against the label-smoothed
 * one-hot target, or with distillation (1 − w) · that + w · the teacher's probabilities; a cohort's
 * members each add their own, with their peers' probabilities mixed in (cohortLoss).
 */
function shardLoss(logits: tf.Tensor2D, task: ShardTask, classes: number, cohort: TrainableNet["cohort"]): tf.Scalar {
  return tf.tidy(() => {
    const eps = task.labelSmoothing;
    let target = tf.add(tf.mul(tf.oneHot(tf.tensor1d(task.labels, "int32"), classes), 1 - eps), eps / classes);
    const w = task.softWeight ?? 0;
    if (task.soft && w > 0) {
      if (task.soft.length !== task.n * classes) throw new Error(`Expected ${task.n * classes} teacher probabilities, got ${task.soft.length}.`);
      target = tf.add(tf.mul(target, 1 - w), tf.mul(tf.tensor2d(task.soft, [task.n, classes]), w));
    }
    const perImage = cohort
      ? cohortLoss(logits, target as tf.Tensor2D, cohort.members, cohortStepWeight(task), task.dropRate ?? 0)
      : tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1));
    const weighted = task.classWeights ? tf.mul(perImage, tf.gather(tf.tensor1d(task.classWeights), tf.tensor1d(task.labels, "int32"))) : perImage;
    return tf.div(tf.sum(weighted), task.batchTotal) as tf.Scalar;
  });
}

function cohortStepWeight(task: ShardTask): number {
  if (task.mutualWeight === undefined) throw new Error("A cohort's shard needs the step's peers' share (mutualWeight).");
  return task.mutualWeight;
}

/** Forward and backward over one shard: gradients of the shard's part of the step's mean loss. */
export function shardGradients(net: TrainableNet, task: ShardTask, layout: InputLayout, classes: number): ShardResult {
  const stats: BnBatchStats[] = [];
  let correct = 0;
  const { value, grads } = tf.tidy(() => {
    const x = shardInput(task, layout);
    return tf.variableGrads(() => {
      const logits = net.forward(x, "train", (s) => stats.push(s), task.dropoutSeed);
      const predicted = net.cohort ? cohortPrediction(logits, net.cohort.members) : logits;
      const hits = tf.equal(tf.argMax(predicted, 1), tf.tensor1d(task.labels, "int32"));
      correct = tf.sum(tf.cast(hits, "int32")).dataSync()[0]!;
      return shardLoss(logits, task, classes, net.cohort);
    }, net.params as tf.Variable[]);
  });
  const out = net.params.map((p) => {
    const g = grads[p.name];
    if (!g) throw new Error(`No gradient for ${p.name}.`);
    return g.dataSync() as Float32Array;
  });
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return { grads: out, loss, correct, stats };
}

/** Logits of the network in inference mode for [n] rows (pixel rows optionally mirrored). */
export function predictLogits(net: TrainableNet, rows: Uint8Array | Float32Array, n: number, layout: InputLayout, flip = false): Float32Array {
  return tf.tidy(() => {
    let x = shardInput({ rows, n, draws: null }, layout);
    if (flip) x = tf.reverse(x, 2);
    return net.forward(x, "infer").dataSync() as Float32Array;
  });
}

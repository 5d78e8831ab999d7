import * as tf from "@tensorflow/tfjs";

import { batchNormTrain, BN_EPSILON } from "./batch-norm.ts";
import type { BnBatchStats, ForwardMode, TrainableNet } from "./net.ts";

/**
 * A compact CNN trained from scratch on small gray faces: stages of 3×3 conv → BN → ReLU,
 * each ending in 2×2 max pooling, then global average pooling, dropout and a dense classifier.
 */
export interface ScratchCnnSpec {
  kind: "scratch-cnn";
  /** Side of the square gray input. */
  inputSize: number;
  stages: readonly { filters: number; convs: number }[];
  /** Dropout before the classifier. */
  dropout: number;
  classes: number;
}

/** What a 0..255 gray pixel becomes before the first convolution. */
export const SCRATCH_INPUT_MEAN = 128;
export const SCRATCH_INPUT_SCALE = 1 / 64;

export function scratchLayerNames(spec: ScratchCnnSpec): string[] {
  return spec.stages.flatMap((s, i) => Array.from({ length: s.convs }, (_, j) => `s${i + 1}c${j + 1}`));
}

export function scratchParamCount(spec: ScratchCnnSpec): number {
  let cin = 1;
  let n = 0;
  for (const s of spec.stages) {
    for (let j = 0; j < s.convs; j++) {
      n += 9 * cin * s.filters + 2 * s.filters;
      cin = s.filters;
    }
  }
  return n + cin * spec.classes + spec.classes;
}

/** Multiply-accumulates of one forward pass per image (the figure training time scales with). */
export function scratchForwardMacs(spec: ScratchCnnSpec): number {
  let side = spec.inputSize;
  let cin = 1;
  let macs = 0;
  for (const s of spec.stages) {
    for (let j = 0; j < s.convs; j++) {
      macs += side * side * 9 * cin * s.filters;
      cin = s.filters;
    }
    side = Math.floor(side / 2);
  }
  return macs + cin * spec.classes;
}

interface ConvBn {
  name: string;
  kernel: tf.Variable;
  gamma: tf.Variable;
  beta: tf.Variable;
  mean: tf.Variable;
  variance: tf.Variable;
}

export class ScratchCnn implements TrainableNet {
  readonly params: tf.Variable[] = [];
  readonly paramNames: string[] = [];
  readonly state = new Map<string, tf.Variable>();
  private readonly layers: ConvBn[][] = [];
  private readonly dense: tf.Variable;
  private readonly bias: tf.Variable;

  /** He-normal convolutions and a small dense layer, from `seed`. */
  constructor(
    readonly spec: ScratchCnnSpec,
    seed: number,
  ) {
    let cin = 1;
    let s = seed * 1000;
    const add = (name: string, value: tf.Tensor) => {
      const v = tf.variable(value, true, undefined, "float32");
      this.params.push(v);
      this.paramNames.push(name);
      return v;
    };
    const names = scratchLayerNames(spec);
    let k = 0;
    for (const stage of spec.stages) {
      const convs: ConvBn[] = [];
      for (let j = 0; j < stage.convs; j++) {
        const name = names[k++]!;
        const f = stage.filters;
        const std = Math.sqrt(2 / (9 * cin));
        const layer: ConvBn = {
          name,
          kernel: add(`${name}/kernel`, tf.randomNormal([3, 3, cin, f], 0, std, "float32", s++)),
          gamma: add(`${name}/gamma`, tf.ones([f])),
          beta: add(`${name}/beta`, tf.zeros([f])),
          mean: tf.variable(tf.zeros([f]), false),
          variance: tf.variable(tf.ones([f]), false),
        };
        this.state.set(`${name}/mean`, layer.mean);
        this.state.set(`${name}/variance`, layer.variance);
        convs.push(layer);
        cin = f;
      }
      this.layers.push(convs);
    }
    this.dense = add("dense/kernel", tf.randomNormal([cin, spec.classes], 0, Math.sqrt(1 / cin), "float32", s++));
    this.bias = add("dense/bias", tf.zeros([spec.classes]));
  }

  forward(x: tf.Tensor4D, mode: ForwardMode, sink?: (stats: BnBatchStats) => void, seed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      for (const stage of this.layers) {
        for (const l of stage) {
          const conv = tf.conv2d(h, l.kernel as tf.Tensor4D, 1, "same");
          if (mode === "train") {
            h = tf.relu(
              batchNormTrain(conv, l.gamma, l.beta, (stats) => {
                sink?.({ name: l.name, mean: stats.mean.dataSync() as Float32Array, variance: stats.variance.dataSync() as Float32Array });
                tf.dispose([stats.mean, stats.variance]);
              }),
            ) as tf.Tensor4D;
          } else {
            const scale = tf.mul(l.gamma, tf.rsqrt(tf.add(l.variance, BN_EPSILON)));
            h = tf.relu(tf.add(tf.mul(tf.sub(conv, l.mean), scale), l.beta)) as tf.Tensor4D;
          }
        }
        h = tf.maxPool(h, 2, 2, "valid");
      }
      let pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      if (mode === "train" && this.spec.dropout > 0) pooled = tf.dropout(pooled, this.spec.dropout, undefined, seed) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.dense as tf.Tensor2D), this.bias) as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose([...this.params, ...this.state.values()]);
  }
}

import * as tf from "@tensorflow/tfjs";

import { MIEN_BATCH_NORM_GRAD } from "../wasm-kernels/batch-norm-grad.ts";

export const BN_EPSILON = 1e-3;

export interface BatchStats {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Batch normalisation in training mode over every axis but the last (NHWC), with one fused
 * gradient: dx = γ·rstd·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σdy·x̂, dβ = Σdy.
 *
 * TF.js differentiates tf.moments and tf.batchNorm separately, tiling per-channel vectors up to
 * the full activation size on the way (measured: BN's backward cost as much as every
 * convolution's). On wasm the gradient is Mien's SIMD kernel; elsewhere the same formula in ops.
 * `onStats` receives the batch mean and variance (kept) for the running averages.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Variable, beta: tf.Variable, onStats?: (stats: BatchStats) => void): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const f = tf.customGrad((...args: (tf.Tensor | ((tensors: tf.Tensor[]) => void))[]) => {
    const [input, g, b] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as (tensors: tf.Tensor[]) => void;
    const { mean, variance } = tf.moments(input, axes);
    const rstd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor1D;
    if (onStats) onStats({ mean: tf.keep(mean.clone()) as tf.Tensor1D, variance: tf.keep(variance.clone()) as tf.Tensor1D });
    save([input, mean, rstd, g]);
    const value = tf.add(tf.mul(tf.sub(input, mean), tf.mul(rstd, g)), b);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, m, r, gs] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const scale = tf.mul(r, gs);
        if (tf.getBackend() === "wasm" && tf.getKernel(MIEN_BATCH_NORM_GRAD, "wasm")) {
          const [dx, sums] = tf.engine().runKernel(MIEN_BATCH_NORM_GRAD, { x: xs, dy, mean: m, rstd: r, scale }) as unknown as [tf.Tensor, tf.Tensor1D];
          const c = m.shape[0];
          return [dx, tf.slice(sums, c, c), tf.slice(sums, 0, c)];
        }
        const n = xs.size / m.shape[0];
        const xhat = tf.mul(tf.sub(xs, m), r);
        const sumDy = tf.sum(dy, axes);
        const sumDyXhat = tf.sum(tf.mul(dy, xhat), axes);
        const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(sumDy, n)), tf.mul(xhat, tf.div(sumDyXhat, n))), scale);
        return [dx, sumDyXhat, sumDy];
      },
    };
  });
  return f(x, gamma, beta);
}

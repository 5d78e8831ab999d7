import type { KernelConfig, TensorInfo } from "@tensorflow/tfjs";

import { kernelFunc, makeOutput } from "./call.ts";
import { mienKernels, ptr } from "./simd-module.ts";

/** Mien's own kernel name: batch normalisation's input gradient plus the two channel sums. */
export const MIEN_BATCH_NORM_GRAD = "MienBatchNormGrad";

/**
 * Inputs x, dy ([rows, C] or NHWC), mean and rstd ([C]) and scale = γ·rstd ([C]). Outputs
 * dx (shaped like x) and sums ([2C]: Σdy, then Σdy·x̂). Two passes over x and dy in total,
 * where the composed gradient takes about a dozen.
 */
const kernel = kernelFunc(({ inputs, backend }) => {
  const { x, dy, mean, rstd, scale } = inputs as Record<string, TensorInfo>;
  const c = x!.shape[x!.shape.length - 1]!;
  const rows = x!.shape.reduce((a, b) => a * b, 1) / c;
  const dx = makeOutput(backend, x!.shape);
  const sums = makeOutput(backend, [2 * c]);
  const k = mienKernels(backend);
  const p = (t: TensorInfo) => ptr(backend, t);
  k.bnBackwardSums(p(x!), p(dy!), p(mean!), p(rstd!), p(sums), rows, c);
  k.bnBackwardInput(p(x!), p(dy!), p(mean!), p(rstd!), p(scale!), p(sums), p(dx), rows, c, 1 / rows);
  return [dx, sums];
});

export const batchNormGradConfig: KernelConfig = { kernelName: MIEN_BATCH_NORM_GRAD, backendName: "wasm", kernelFunc: kernel };

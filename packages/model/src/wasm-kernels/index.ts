import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from "@tensorflow/tfjs";

import { batchMatMulConfig, rememberStockBatchMatMul } from "./batch-mat-mul.ts";
import { batchNormGradConfig } from "./batch-norm-grad.ts";
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from "./conv2d-grads.ts";
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from "./depthwise-grads.ts";
import { maxPoolGradConfig } from "./pool-grads.ts";
import { rememberStockTranspose, transposeConfig } from "./transpose.ts";

export { MIEN_BATCH_NORM_GRAD } from "./batch-norm-grad.ts";

/**
 * The kernels training needs on tfjs-backend-wasm 4.22: the gradients it lacks (conv filter,
 * depthwise filter and input), faster versions of those it runs as scalar loops (conv input,
 * max pooling) or with per-element index arithmetic (Transpose), and Mien's fused batch-norm
 * gradient. Convolution work goes to XNNPACK; data movement and reductions to Mien's own wasm
 * SIMD module (assembly/kernels.ts), which works in the backend's memory.
 */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  maxPoolGradConfig,
  transposeConfig,
  batchNormGradConfig,
  batchMatMulConfig,
];

/** Registers them with TF.js's kernel registry, replacing stock ones. Idempotent. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = getKernel(config.kernelName, "wasm");
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (config === transposeConfig) rememberStockTranspose(existing);
    if (config === batchMatMulConfig) rememberStockBatchMatMul(existing);
    if (existing) unregisterKernel(config.kernelName, "wasm");
    registerKernel(config);
  }
}

import { backend_util, MaxPoolGrad, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs";

import { kernelFunc, makeOutput, windowArgs } from "./call.ts";
import { mienKernels, ptr } from "./simd-module.ts";

type PoolPad = Parameters<typeof backend_util.computePool2DInfo>[4];

/** The stock wasm MaxPoolGrad starts each window at +1e-38, so windows of negative values route their gradient to the wrong pixel; this one matches TensorFlow (first maximum). */
const maxPoolGradKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: PoolPad;
    dimRoundingMode?: "floor" | "round" | "ceil";
  };
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const dx = makeOutput(backend, input.shape);
  mienKernels(backend).maxPoolGrad(ptr(backend, input), ptr(backend, dy), ptr(backend, dx), ...windowArgs(info));
  return dx;
});

export const maxPoolGradConfig: KernelConfig = { kernelName: MaxPoolGrad, backendName: "wasm", kernelFunc: maxPoolGradKernel };

import { backend_util, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, type KernelConfig } from "@tensorflow/tfjs";

import { kernelFunc, makeOutput } from "./call.ts";
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm } from "./conv2d-grads.ts";
import { mienKernels, ptr } from "./simd-module.ts";

type Attrs = Parameters<typeof conv2DBackpropFilterWasm>[4] & { dilations?: number | [number, number] };

function requireNoDilation(kernel: string, dilations: Attrs["dilations"]) {
  const d = typeof dilations === "number" ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (d[0] !== 1 || d[1] !== 1) throw new Error(`${kernel} on wasm supports dilation 1 only, not ${d.join("×")}.`);
}

/** Geometry of a depthwise convolution, as the SIMD kernels take it. */
function geometry(inputShape: [number, number, number, number], filterShape: [number, number, number, number], a: Attrs) {
  const info = backend_util.computeConv2DInfo(inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, true);
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ] as const;
}

const filterKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs & { filterShape: [number, number, number, number] };
  requireNoDilation(DepthwiseConv2dNativeBackpropFilter, a.dilations);
  // Multiplier 1 (every depthwise layer Mien trains): one SIMD pass; otherwise the XNNPACK route.
  if (a.filterShape[3] !== 1) return conv2DBackpropFilterWasm(backend, inputs.x!, inputs.dy!, a.filterShape, a, true);
  const dw = makeOutput(backend, a.filterShape);
  mienKernels(backend).depthwiseFilterGrad(
    ptr(backend, inputs.x!),
    ptr(backend, inputs.dy!),
    ptr(backend, dw),
    ...geometry(inputs.x!.shape as [number, number, number, number], a.filterShape, a),
  );
  return dw;
});

const inputKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as Attrs & { inputShape: [number, number, number, number] };
  requireNoDilation(DepthwiseConv2dNativeBackpropInput, a.dilations);
  const filterShape = inputs.filter!.shape as [number, number, number, number];
  if (filterShape[3] !== 1) return conv2DBackpropInputWasm(backend, inputs.dy!, inputs.filter!, a.inputShape, a, true);
  const dx = makeOutput(backend, a.inputShape);
  mienKernels(backend).depthwiseInputGrad(ptr(backend, inputs.dy!), ptr(backend, inputs.filter!), ptr(backend, dx), ...geometry(a.inputShape, filterShape, a));
  return dx;
});

export const depthwiseBackpropFilterConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: "wasm", kernelFunc: filterKernel };
export const depthwiseBackpropInputConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropInput, backendName: "wasm", kernelFunc: inputKernel };

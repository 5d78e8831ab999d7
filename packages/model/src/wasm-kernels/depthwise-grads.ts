import { backend_util, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput, type KernelConfig } from "@tensorflow/tfjs";

import { free, kernelFunc, makeOutput, runWasm, windowArgs } from "./call.ts";
import { conv2DBackpropFilterWasm } from "./conv2d-grads.ts";
import { mienKernels, ptr } from "./simd-module.ts";

type Attrs = Parameters<typeof conv2DBackpropFilterWasm>[4] & { dilations?: number | [number, number] };

function requireNoDilation(kernel: string, dilations: Attrs["dilations"]) {
  const d = typeof dilations === "number" ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (d[0] !== 1 || d[1] !== 1) throw new Error(`${kernel} on wasm supports dilation 1 only, not ${d.join("×")}.`);
}

/** Geometry of a depthwise convolution, as the SIMD kernels take it. */
function geometry(inputShape: [number, number, number, number], filterShape: [number, number, number, number], a: Attrs) {
  return windowArgs(backend_util.computeConv2DInfo(inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, true));
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
  const [kh, kw, c, m] = filterShape;
  const dx = makeOutput(backend, a.inputShape);
  const at = geometry(a.inputShape, filterShape, a);
  const simd = mienKernels(backend);
  if (m === 1) {
    simd.depthwiseInputGrad(ptr(backend, inputs.dy!), ptr(backend, inputs.filter!), ptr(backend, dx), ...at, 0);
    return dx;
  }
  // Multiplier m: output channel k·m + q comes from input channel k through filter column q. With
  // the multiplier moved outermost (dy as [m, …, c], the filter as [m, kh, kw, c]), each q is a
  // multiplier-1 gradient over contiguous memory, added into dX.
  const [n, oh, ow] = inputs.dy!.shape as [number, number, number, number];
  const dy3 = runWasm(backend, "Reshape", { x: inputs.dy! }, { shape: [n * oh * ow, c, m] });
  const dyT = runWasm(backend, "Transpose", { x: dy3 }, { perm: [2, 0, 1] });
  const f2 = runWasm(backend, "Reshape", { x: inputs.filter! }, { shape: [kh * kw * c, m] });
  const fT = runWasm(backend, "Transpose", { x: f2 }, { perm: [1, 0] });
  try {
    for (let q = 0; q < m; q++)
      simd.depthwiseInputGrad(ptr(backend, dyT) + q * n * oh * ow * c * 4, ptr(backend, fT) + q * kh * kw * c * 4, ptr(backend, dx), ...at, q > 0 ? 1 : 0);
  } finally {
    free(backend, dy3, dyT, f2, fT);
  }
  return dx;
});

export const depthwiseBackpropFilterConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: "wasm", kernelFunc: filterKernel };
export const depthwiseBackpropInputConfig: KernelConfig = { kernelName: DepthwiseConv2dNativeBackpropInput, backendName: "wasm", kernelFunc: inputKernel };

import { backend_util, Conv2DBackpropFilter, Conv2DBackpropInput, type KernelBackend, type KernelConfig, type TensorInfo } from "@tensorflow/tfjs";

import { cropForNegativePads, dilateSpatial, explicit, free, kernelFunc, makeOutput, runWasm } from "./call.ts";
import { mienKernels, ptr } from "./simd-module.ts";

type ConvPad = Parameters<typeof backend_util.computeConv2DInfo>[4];
interface GradAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function requireNHWC(kernel: string, dataFormat: string | undefined) {
  if (dataFormat && dataFormat !== "NHWC") throw new Error(`${kernel} on wasm supports NHWC only, not ${dataFormat}.`);
}

/**
 * dW[kh, kw, ci, co] = Σ_{n,y,x} X[n, y·s + kh − p, x·s + kw − p, ci] · dY[n, y, x, co].
 *
 * That sum is itself a convolution: take X with channels and batch swapped ([ci, H, W, n]) as the
 * input and dY as a filter of size Ho×Wo with n input and co output channels, dilated by the
 * forward stride. The output [ci, kh, kw, co] is the gradient, transposed. One XNNPACK
 * convolution does all the work (measured 0.8–1.7× the forward pass at batch 32).
 */
export function conv2DBackpropFilterWasm(
  backend: KernelBackend,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: [number, number, number, number],
  attrs: GradAttrs,
  depthwise = false,
): TensorInfo {
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo, inHeight: h, inWidth: w } = info;
  if (!depthwise && kh * kw * x.shape[3]! < filterShape[3] && kh * kw * x.shape[3]! <= FEW_TAPS) return filterGradFewChannels(backend, x, dy, info);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padding below and right that makes the output exactly kh × kw (the forward pass may not
  // have reached the last rows when the stride does not divide evenly).
  const pads = { top, left, bottom: kh - h - top + (ho - 1) * sh, right: kw - w - left + (wo - 1) * sw };
  const fitted = cropForNegativePads(backend, x, pads);
  const n = x.shape[0]!;
  if (!depthwise && kh * kw * x.shape[3]! < filterShape[3]) {
    const out = filterGradByIm2col(backend, fitted.x, dy, fitted.pads, info);
    if (fitted.cropped) free(backend, fitted.x);
    return out;
  }
  if (!depthwise) {
    const xT = runWasm(backend, "Transpose", { x: fitted.x }, { perm: [3, 1, 2, 0] });
    const dyT = runWasm(backend, "Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
    const conv = runWasm(backend, "Conv2D", { x: xT, filter: dyT }, { strides: 1, pad: explicit(fitted.pads), dilations: [sh, sw], dataFormat: "NHWC" });
    const out = runWasm(backend, "Transpose", { x: conv }, { perm: [1, 2, 0, 3] });
    free(backend, xT, dyT, conv);
    if (fitted.cropped) free(backend, fitted.x);
    return out;
  }
  // Depthwise: channel c only meets channel c, so the batch cannot become the contracted
  // channel axis. Fold it into the channels instead ([1, H, W, n·c]), run one depthwise
  // convolution with dY as an Ho×Wo filter, and sum the n partial filters.
  const c = x.shape[3]!;
  const m = filterShape[3];
  const xT = runWasm(backend, "Transpose", { x: fitted.x }, { perm: [1, 2, 0, 3] });
  const xFolded = runWasm(backend, "Reshape", { x: xT }, { shape: [1, fitted.x.shape[1], fitted.x.shape[2], n * c] });
  const dyT = runWasm(backend, "Transpose", { x: dy }, { perm: [1, 2, 0, 3] });
  const dyFolded = runWasm(backend, "Reshape", { x: dyT }, { shape: [ho, wo, n * c, m] });
  const conv = runWasm(backend, "DepthwiseConv2dNative", { x: xFolded, filter: dyFolded }, { strides: 1, pad: explicit(fitted.pads), dilations: [sh, sw] });
  const perImage = runWasm(backend, "Reshape", { x: conv }, { shape: [kh * kw, n, c * m] });
  const summed = runWasm(backend, "Sum", { x: perImage }, { axis: [1], keepDims: false });
  const out = runWasm(backend, "Reshape", { x: summed }, { shape: [kh, kw, c, m] });
  free(backend, xT, xFolded, dyT, dyFolded, conv, perImage, summed);
  if (fitted.cropped) free(backend, fitted.x);
  return out;
}

/**
 * Largest kh·kw·ci the SIMD pass below takes: its per-image sums (kh·kw·ci·co floats) stay in the
 * L1 cache for a first layer (9 or 27 taps), while a widening 1×1 convolution (128 taps, 256
 * outputs: 128 KB of sums) belongs to XNNPACK's matMul.
 */
const FEW_TAPS = 32;

/**
 * For few input channels (the first layer: kh·kw·ci < co and ≤ FEW_TAPS), one pass of Mien's SIMD module over
 * the output pixels and taps. Through XNNPACK the work was dominated by moving data, not by the
 * product: packing dY as a filter (~15 ns per element, a new operand every step), or an im2col
 * matrix, dY's transpose and a matMul, 5–7× the forward pass.
 */
function filterGradFewChannels(backend: KernelBackend, x: TensorInfo, dy: TensorInfo, info: ReturnType<typeof backend_util.computeConv2DInfo>): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const dw = makeOutput(backend, [kh, kw, ci, co]);
  const scratch = makeOutput(backend, [kh * kw * ci * co]);
  try {
    mienKernels(backend).filterGradFewChannels(
      ptr(backend, x),
      ptr(backend, dy),
      ptr(backend, dw),
      ptr(backend, scratch),
      n,
      h,
      w,
      ci,
      co,
      ho,
      wo,
      kh,
      kw,
      sh,
      sw,
      info.padInfo.top,
      info.padInfo.left,
    );
  } finally {
    free(backend, scratch);
  }
  return dw;
}

/**
 * For fewer input taps than output channels (kh·kw·ci < co) but too many for the pass above (a
 * 1×1 convolution that widens, e.g. 128 → 256 channels), packing dY as a filter costs more
 * than the whole product (XNNPACK packs its weight operand at ~15 ns per element, and the
 * operand is new every step). Here the smaller operand is packed instead: the im2col matrix
 * P [n·Ho·Wo, kh·kw·ci] is the matMul's weight and dYᵀ [co, n·Ho·Wo] its input, so
 * dWᵀ = dYᵀ·P runs on XNNPACK's fully-connected path.
 */
function filterGradByIm2col(
  backend: KernelBackend,
  x: TensorInfo,
  dy: TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  info: ReturnType<typeof backend_util.computeConv2DInfo>,
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo, outChannels: co } = info;
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const cols = makeOutput(backend, [n * ho * wo, kh * kw * ci]);
  mienKernels(backend).im2col(ptr(backend, x), ptr(backend, cols), n, h, w, ci, ho, wo, kh, kw, sh, sw, pads.top, pads.left);
  const p = runWasm(backend, "Reshape", { x: cols }, { shape: [1, n * ho * wo, kh * kw * ci] });
  const dy2 = runWasm(backend, "Reshape", { x: dy }, { shape: [n * ho * wo, co] });
  const dyT = runWasm(backend, "Transpose", { x: dy2 }, { perm: [1, 0] });
  const a3 = runWasm(backend, "Reshape", { x: dyT }, { shape: [1, co, n * ho * wo] });
  const prod = runWasm(backend, "BatchMatMul", { a: a3, b: p }, { transposeA: false, transposeB: false });
  const flat = runWasm(backend, "Reshape", { x: prod }, { shape: [co, kh * kw * ci] });
  const t = runWasm(backend, "Transpose", { x: flat }, { perm: [1, 0] });
  const out = runWasm(backend, "Reshape", { x: t }, { shape: [kh, kw, ci, co] });
  free(backend, cols, p, dy2, dyT, a3, prod, flat, t);
  return out;
}

/**
 * dX is the forward convolution of dY (zero-dilated by the stride) with the filter rotated by
 * 180° and its in/out channels swapped, padded by (k − 1 − p).
 */
export function conv2DBackpropInputWasm(
  backend: KernelBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: [number, number, number, number],
  attrs: GradAttrs,
): TensorInfo {
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const dyD = dilateSpatial(backend, dy, sh, sw);
  const hd = dyD.shape[1]!;
  const wd = dyD.shape[2]!;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const pads = { top, left, bottom: h - hd - top + kh - 1, right: w - wd - left + kw - 1 };
  const fitted = cropForNegativePads(backend, dyD, pads);
  const flipped = runWasm(backend, "Reverse", { x: filter }, { dims: [0, 1] });
  const swapped = runWasm(backend, "Transpose", { x: flipped }, { perm: [0, 1, 3, 2] });
  const out = runWasm(backend, "Conv2D", { x: fitted.x, filter: swapped }, { strides: 1, pad: explicit(fitted.pads), dilations: 1, dataFormat: "NHWC" });
  free(backend, swapped, dyD, flipped);
  if (fitted.cropped) free(backend, fitted.x);
  return out;
}

const filterKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as GradAttrs & { filterShape: [number, number, number, number] };
  requireNHWC(Conv2DBackpropFilter, a.dataFormat);
  return conv2DBackpropFilterWasm(backend, inputs.x!, inputs.dy!, a.filterShape, a);
});

const inputKernel = kernelFunc(({ inputs, backend, attrs }) => {
  const a = attrs as unknown as GradAttrs & { inputShape: [number, number, number, number] };
  requireNHWC(Conv2DBackpropInput, a.dataFormat);
  return conv2DBackpropInputWasm(backend, inputs.dy!, inputs.filter!, a.inputShape, a);
});

export const conv2DBackpropFilterConfig: KernelConfig = { kernelName: Conv2DBackpropFilter, backendName: "wasm", kernelFunc: filterKernel };
export const conv2DBackpropInputConfig: KernelConfig = { kernelName: Conv2DBackpropInput, backendName: "wasm", kernelFunc: inputKernel };

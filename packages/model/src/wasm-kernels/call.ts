import {
  getKernel,
  type backend_util,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from "@tensorflow/tfjs";

/** A kernel function with the backend typed (TF.js types it as an empty object). */
export function kernelFunc(f: (args: { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo | TensorInfo[]): KernelFunc {
  return (args) => f({ inputs: args.inputs, backend: args.backend as KernelBackend, attrs: args.attrs ?? {} });
}

/** A new output tensor on the wasm backend. */
export function makeOutput(backend: KernelBackend, shape: number[], dtype: "float32" = "float32"): TensorInfo {
  return (backend as unknown as { makeOutput(shape: number[], dtype: string): TensorInfo }).makeOutput(shape, dtype);
}

/**
 * Runs another wasm kernel from inside one of ours. Kernels get TensorInfos, not Tensors, so
 * they compose by calling each other's kernelFunc directly (as tfjs-backend-wasm's own kernels
 * do); every intermediate must be freed with {@link free}.
 */
export function runWasm(
  backend: KernelBackend,
  kernelName: string,
  inputs: Record<string, TensorInfo> | TensorInfo[],
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const kernel = getKernel(kernelName, "wasm");
  if (!kernel) throw new Error(`The wasm backend has no ${kernelName} kernel.`);
  return kernel.kernelFunc({ inputs: inputs as Record<string, TensorInfo>, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

export function free(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Explicit padding in the [[0, 0], [top, bottom], [left, right], [0, 0]] form conv kernels take. */
export type Pads = { top: number; bottom: number; left: number; right: number };
export const explicit = (p: Pads) =>
  [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ] as [[number, number], [number, number], [number, number], [number, number]];

/**
 * XNNPACK refuses negative padding. A negative pad means "drop that many input rows or
 * columns"; this slices them off and returns the padding that is left.
 */
export function cropForNegativePads(backend: KernelBackend, x: TensorInfo, pads: Pads): { x: TensorInfo; pads: Pads; cropped: boolean } {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cut = { top: Math.max(0, -pads.top), bottom: Math.max(0, -pads.bottom), left: Math.max(0, -pads.left), right: Math.max(0, -pads.right) };
  if (cut.top + cut.bottom + cut.left + cut.right === 0) return { x, pads, cropped: false };
  const sliced = runWasm(backend, "Slice", { x }, { begin: [0, cut.top, cut.left, 0], size: [n, h - cut.top - cut.bottom, w - cut.left - cut.right, c] });
  return {
    x: sliced,
    pads: { top: Math.max(0, pads.top), bottom: Math.max(0, pads.bottom), left: Math.max(0, pads.left), right: Math.max(0, pads.right) },
    cropped: true,
  };
}

/**
 * Inserts (stride - 1) zeros between the rows and columns of an NHWC tensor: the transposed
 * convolution of a strided one becomes a plain convolution over the dilated gradient.
 */
export function dilateSpatial(backend: KernelBackend, x: TensorInfo, strideH: number, strideW: number): TensorInfo {
  if (strideH === 1 && strideW === 1) return runWasm(backend, "Identity", { x });
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const six = runWasm(backend, "Reshape", { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = runWasm(
    backend,
    "PadV2",
    { x: six },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, strideH - 1],
        [0, 0],
        [0, strideW - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const flat = runWasm(backend, "Reshape", { x: padded }, { shape: [n, h * strideH, w * strideW, c] });
  const out = runWasm(backend, "Slice", { x: flat }, { begin: [0, 0, 0, 0], size: [n, (h - 1) * strideH + 1, (w - 1) * strideW + 1, c] });
  free(backend, six, padded, flat);
  return out;
}

/**
 * A sliding window's geometry as the SIMD module's windowed kernels take it: batch, input height,
 * width and channels, output height and width, window height and width, strides, top and left padding.
 */
export function windowArgs(info: backend_util.Conv2DInfo) {
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

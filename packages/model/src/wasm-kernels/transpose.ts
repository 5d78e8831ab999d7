import { getKernel, Transpose, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";

import { makeOutput } from "./call.ts";
import { mienKernels, ptr } from "./simd-module.ts";

/** Drops size-1 axes and merges input axes that stay adjacent, so [N,H,W,C]→[H,W,N,C] is [N,HW,C]→[HW,N,C]. */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const keep = shape.map((d) => d !== 1);
  const renumber = new Map<number, number>();
  shape.forEach((_, i) => keep[i] && renumber.set(i, renumber.size));
  let s = shape.filter((_, i) => keep[i]);
  let p = perm.filter((axis) => keep[axis]).map((axis) => renumber.get(axis)!);
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i + 1 < p.length; i++) {
      const a = p[i]!;
      if (p[i + 1] !== a + 1) continue;
      s = [...s.slice(0, a), s[a]! * s[a + 1]!, ...s.slice(a + 2)];
      p = [...p.slice(0, i + 1), ...p.slice(i + 2)].map((axis) => (axis > a ? axis - 1 : axis));
      merged = true;
      break;
    }
  }
  return { shape: s, perm: p };
}

const strides = (shape: readonly number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

let stockConfig: KernelConfig | undefined;
const stockReady = new WeakSet<object>();

/** The stock kernel, set up for this backend (its setup may not have run if we replaced it first). */
function stockFor(backend: KernelBackend): KernelFunc {
  stockConfig ??= getKernel(Transpose, "wasm");
  if (!stockConfig || stockConfig.kernelFunc === transposeKernel) throw new Error("The stock wasm Transpose kernel is missing.");
  if (!stockReady.has(backend)) {
    stockConfig.setupFunc?.(backend);
    stockReady.add(backend);
  }
  return stockConfig.kernelFunc;
}

/**
 * Float32 transposes as tiled 2-D transposes (or row moves) in Mien's wasm module; anything
 * else goes to the stock kernel. Measured on [64, 48, 48, 32] → [32, 48, 48, 64]: see
 * `pnpm bench:kernels`.
 */
const transposeKernel: KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as KernelBackend;
  const x = inputs.x!;
  const perm = (attrs as unknown as { perm: number[] }).perm;
  const stock = stockFor(backend);
  if (x.dtype !== "float32") return stock(args);
  const { shape, perm: p } = simplifyPermutation(x.shape, perm);
  const outShape = perm.map((axis) => x.shape[axis]!);
  const r = shape.length;
  if (r < 2) return stock(args);
  const k = mienKernels(backend);
  const out = makeOutput(backend, outShape);
  const src = ptr(backend, x);
  const dst = ptr(backend, out);
  if (r === 3 && p[0] === 1 && p[1] === 0 && p[2] === 2) {
    k.swapOuter(src, dst, shape[0]!, shape[1]!, shape[2]!);
    return out;
  }
  if (p[r - 1] === r - 1) {
    free(backend, out);
    return stock(args);
  }
  // The output's innermost axis is input axis `a`; the input's innermost axis lands at output
  // position `q`. Each combination of the other axes is one 2-D transpose.
  const inStrides = strides(shape);
  const outDims = p.map((axis) => shape[axis]!);
  const outStrides = strides(outDims);
  const a = p[r - 1]!;
  const q = p.indexOf(r - 1);
  const rows = shape[a]!;
  const cols = shape[r - 1]!;
  const others = p.map((axis, position) => ({ axis, position })).filter(({ axis }) => axis !== a && axis !== r - 1);
  // The innermost remaining axis runs inside the wasm call; any others loop here.
  const inner = others.pop();
  const count = inner ? shape[inner.axis]! : 1;
  const srcStep = inner ? inStrides[inner.axis]! : 0;
  const dstStep = inner ? outStrides[inner.position]! : 0;
  const outer = others.reduce((n, o) => n * shape[o.axis]!, 1);
  const index = others.map(() => 0);
  for (let i = 0; i < outer; i++) {
    let s = 0;
    let d = 0;
    others.forEach((o, j) => {
      s += index[j]! * inStrides[o.axis]!;
      d += index[j]! * outStrides[o.position]!;
    });
    k.transpose2d(src + s * 4, dst + d * 4, rows, cols, inStrides[a]!, outStrides[q]!, count, srcStep, dstStep);
    for (let j = others.length - 1; j >= 0; j--) {
      if (++index[j]! < shape[others[j]!.axis]!) break;
      index[j] = 0;
    }
  }
  return out;
};

function free(backend: KernelBackend, info: TensorInfo) {
  backend.disposeData(info.dataId);
}

export const transposeConfig: KernelConfig = { kernelName: Transpose, backendName: "wasm", kernelFunc: transposeKernel };
/** Lets the override hand unsupported cases to the kernel it replaced. */
export function rememberStockTranspose(config: KernelConfig | undefined) {
  if (config && config.kernelFunc !== transposeKernel) stockConfig = config;
}

import { BatchMatMul, getKernel, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs";

import { free, runWasm } from "./call.ts";

let stockConfig: KernelConfig | undefined;
const stockReady = new WeakSet<object>();

function stockFor(backend: KernelBackend): KernelFunc {
  stockConfig ??= getKernel(BatchMatMul, "wasm");
  if (!stockConfig || stockConfig.kernelFunc === batchMatMulKernel) throw new Error("The stock wasm BatchMatMul kernel is missing.");
  if (!stockReady.has(backend)) {
    stockConfig.setupFunc?.(backend);
    stockReady.add(backend);
  }
  return stockConfig.kernelFunc;
}

/**
 * tfjs-backend-wasm sends BatchMatMul to XNNPACK only for a single matrix product without
 * transpose flags; anything else runs a scalar triple loop. Training a dense layer needs
 * xᵀ·dy and dy·Wᵀ, so this transposes the flagged operand first (Mien's tiled Transpose) and
 * keeps the fast path.
 */
const batchMatMulKernel: KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as KernelBackend;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const stock = stockFor(backend);
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1 || a.dtype !== "float32" || b.dtype !== "float32") return stock(args);
  const flip = (t: TensorInfo) => {
    const r = t.shape.length;
    const perm = [...t.shape.keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
    return runWasm(backend, "Transpose", { x: t }, { perm });
  };
  const a2 = transposeA ? flip(a) : a;
  const b2 = transposeB ? flip(b) : b;
  const out = stock({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
  if (transposeA) free(backend, a2);
  if (transposeB) free(backend, b2);
  return out;
};

export const batchMatMulConfig: KernelConfig = { kernelName: BatchMatMul, backendName: "wasm", kernelFunc: batchMatMulKernel };
export function rememberStockBatchMatMul(config: KernelConfig | undefined) {
  if (config && config.kernelFunc !== batchMatMulKernel) stockConfig = config;
}

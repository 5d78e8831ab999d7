import { readFileSync } from "node:fs";

import type { KernelBackend, TensorInfo } from "@tensorflow/tfjs";

/** The exports of assembly/kernels.ts (see there for what each does). */
export interface MienKernels {
  transpose2d(
    src: number,
    dst: number,
    rows: number,
    cols: number,
    srcStride: number,
    dstStride: number,
    count: number,
    srcStep: number,
    dstStep: number,
  ): void;
  swapOuter(src: number, dst: number, a: number, b: number, c: number): void;
  bnBackwardSums(x: number, dy: number, mean: number, rstd: number, sums: number, rows: number, c: number): void;
  bnBackwardInput(x: number, dy: number, mean: number, rstd: number, scale: number, sums: number, dx: number, rows: number, c: number, inv: number): void;
  im2col(
    x: number,
    dst: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
  ): void;
  filterGradFewChannels(
    x: number,
    dy: number,
    dw: number,
    scratch: number,
    n: number,
    h: number,
    w: number,
    ci: number,
    co: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
  ): void;
  depthwiseFilterGrad(
    x: number,
    dy: number,
    dw: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
  ): void;
  depthwiseInputGrad(
    dy: number,
    filter: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
    accumulate: number,
  ): void;
  maxPoolGrad(
    x: number,
    dy: number,
    dx: number,
    n: number,
    h: number,
    w: number,
    c: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    padTop: number,
    padLeft: number,
  ): void;
}

interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

const WASM_FILE = new URL("./mien-kernels.wasm", import.meta.url);
let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, MienKernels>();

/**
 * Mien's kernels bound to this wasm backend's memory (one instance per backend, so worker
 * threads each get their own). Throws when the backend does not expose its memory.
 */
export function mienKernels(backend: KernelBackend): MienKernels {
  const memory = (backend as unknown as WasmBackendInternals).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("This tfjs-backend-wasm build does not expose its memory; Mien's training kernels need it.");
  let kernels = instances.get(memory);
  if (!kernels) {
    compiled ??= new WebAssembly.Module(readFileSync(WASM_FILE));
    kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as MienKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/** Byte offset of a tensor's data in the wasm memory. */
export function ptr(backend: KernelBackend, info: TensorInfo): number {
  const entry = (backend as unknown as WasmBackendInternals).dataIdMap.get(info.dataId);
  if (!entry) throw new Error("Tensor data is not on the wasm backend.");
  return entry.memoryOffset;
}

export const WASM_KERNELS_FILE = WASM_FILE;

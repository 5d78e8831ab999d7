/**
 * Mien's wasm training kernels against TF.js's cpu backend, the stock wasm kernel where one
 * exists, and the wasm forward pass of the same operation and shape; then training throughput
 * per recipe on 1 and 2 worker threads. Prints JSON. Usage:
 *   pnpm bench:kernels [--reps 5] [--steps 8] [--skip-training] [--skip-kernels]
 */
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { runMain } from "../scripts/lib/paths.ts";
import { wasmDistDir } from "../src/backend.node.ts";
import { configureWasmPaths } from "../src/backend.ts";
import { architectureSpec } from "../src/cnn/architectures.ts";
import { NO_AUGMENTATION } from "../src/cnn/augment-draws.ts";
import type { NetSpec } from "../src/cnn/create-net.ts";
import { allocateFeatureDataset, allocatePixelDataset, type TrainingDataset } from "../src/cnn/dataset-buffer.ts";
import { faceApiTrunkShape } from "../src/cnn/faceapi-top.ts";
import { GradientWorkers } from "../src/cnn/gradient-workers.node.ts";
import { rng } from "../src/training/random.ts";
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "../src/wasm-kernels/index.ts";

const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    steps: { type: "string", default: "8" },
    "skip-training": { type: "boolean", default: false },
    "skip-kernels": { type: "boolean", default: false },
  },
});
const REPS = Number(values.reps);
const CPU_SHRINK = 8;

/** A kernel, its inputs' shapes and attrs, and the forward operation it is the gradient of (same shapes). */
type Case = {
  kernel: string;
  shape: string;
  inputs: Record<string, number[]>;
  attrs: Record<string, unknown>;
  forward: { kernel: string; inputs: Record<string, number[]>; attrs: Record<string, unknown> } | null;
};

const conv = (n: number, h: number, ci: number, co: number, k = 3, s = 1): Case[] => {
  const ho = Math.ceil(h / s);
  const shape = `${n}×${h}×${h}×${ci}→${co} k${k} s${s} same`;
  const forward = {
    kernel: "Conv2D",
    inputs: { x: [n, h, h, ci], filter: [k, k, ci, co] },
    attrs: { strides: s, pad: "same", dilations: 1, dataFormat: "NHWC" },
  };
  return [
    {
      kernel: "Conv2DBackpropFilter",
      shape,
      inputs: { x: [n, h, h, ci], dy: [n, ho, ho, co] },
      attrs: { strides: s, pad: "same", dataFormat: "NHWC", filterShape: [k, k, ci, co] },
      forward,
    },
    {
      kernel: "Conv2DBackpropInput",
      shape,
      inputs: { dy: [n, ho, ho, co], filter: [k, k, ci, co] },
      attrs: { strides: s, pad: "same", dataFormat: "NHWC", inputShape: [n, h, h, ci] },
      forward,
    },
  ];
};
const depthwise = (n: number, h: number, c: number, m = 1, s = 1): Case[] => {
  const ho = Math.ceil(h / s);
  const shape = `${n}×${h}×${h}×${c} ×${m} k3 s${s} same`;
  const forward = { kernel: "DepthwiseConv2dNative", inputs: { x: [n, h, h, c], filter: [3, 3, c, m] }, attrs: { strides: s, pad: "same", dilations: 1 } };
  return [
    {
      kernel: "DepthwiseConv2dNativeBackpropFilter",
      shape,
      inputs: { x: [n, h, h, c], dy: [n, ho, ho, c * m] },
      attrs: { strides: s, pad: "same", dilations: 1, filterShape: [3, 3, c, m] },
      forward,
    },
    {
      kernel: "DepthwiseConv2dNativeBackpropInput",
      shape,
      inputs: { dy: [n, ho, ho, c * m], filter: [3, 3, c, m] },
      attrs: { strides: s, pad: "same", dilations: 1, inputShape: [n, h, h, c] },
      forward,
    },
  ];
};
const CASES: Case[] = [
  ...conv(32, 48, 8, 8),
  ...conv(32, 24, 32, 32),
  // The scratch CNN's layers (cnn-s, batch 64 per shard).
  ...conv(64, 48, 1, 16),
  ...conv(64, 48, 16, 16),
  ...conv(64, 24, 32, 32),
  ...conv(64, 12, 64, 64),
  ...conv(64, 6, 128, 128),
  ...conv(32, 24, 32, 64, 3, 2),
  // face-api's top block (finetune): depthwise and pointwise parts.
  ...depthwise(32, 14, 128, 1, 2),
  ...depthwise(32, 7, 256),
  ...depthwise(32, 24, 16, 2),
  ...conv(32, 7, 256, 256, 1),
  {
    kernel: "MaxPoolGrad",
    shape: "64×48×48×16 2×2 s2",
    inputs: { dy: [64, 24, 24, 16], input: [64, 48, 48, 16], output: [64, 24, 24, 16] },
    attrs: { filterSize: 2, strides: 2, pad: "valid" },
    forward: { kernel: "MaxPool", inputs: { x: [64, 48, 48, 16] }, attrs: { filterSize: 2, strides: 2, pad: "valid" } },
  },
  { kernel: "Transpose", shape: "64×48×48×16 → [3,1,2,0]", inputs: { x: [64, 48, 48, 16] }, attrs: { perm: [3, 1, 2, 0] }, forward: null },
  {
    kernel: "BatchMatMul",
    shape: "512×256 ᵀ· 512×512 (dense head dW)",
    inputs: { a: [1, 512, 256], b: [1, 512, 512] },
    attrs: { transposeA: true, transposeB: false },
    forward: { kernel: "BatchMatMul", inputs: { a: [1, 512, 256], b: [1, 256, 512] }, attrs: { transposeA: false, transposeB: false } },
  },
];

function random(shape: number[], seed: number): tf.Tensor {
  const r = rng(seed);
  return tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1),
    shape,
  );
}

/** Median milliseconds of running `kernel` (outputs disposed; wasm kernels are synchronous). */
function time(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>, reps: number): number {
  const run = () => tf.dispose(tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[]);
  run();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(reps / 2)]!;
}

async function kernelRows() {
  configureWasmPaths(wasmDistDir());
  await tf.setBackend("wasm");
  await tf.ready();
  // The stock kernels, kept before Mien's replace them.
  const stock = new Map(WASM_TRAINING_KERNELS.map((k) => [k.kernelName, tf.getKernel(k.kernelName, "wasm")]));
  registerWasmTrainingKernels();
  const ours = new Map(WASM_TRAINING_KERNELS.map((k) => [k.kernelName, tf.getKernel(k.kernelName, "wasm")!]));
  const swap = (name: string, config: tf.KernelConfig) => {
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel(config);
  };
  const rows = [];
  for (const [i, c] of CASES.entries()) {
    const values = Object.entries(c.inputs).map(([k, shape], j) => ({ k, shape, seed: i * 10 + j }));
    await tf.setBackend("wasm");
    const wasmInputs = Object.fromEntries(values.map((v) => [v.k, random(v.shape, v.seed)]));
    const forwardInputs = c.forward ? Object.fromEntries(Object.entries(c.forward.inputs).map(([k, shape], j) => [k, random(shape, 1000 + i * 10 + j)])) : {};
    const wasmMs = time(c.kernel, wasmInputs, c.attrs, REPS);
    const forwardMs = c.forward ? time(c.forward.kernel, forwardInputs, c.forward.attrs, REPS) : null;
    let stockMs: number | null = null;
    const stockConfig = stock.get(c.kernel);
    if (stockConfig) {
      swap(c.kernel, stockConfig);
      stockMs = time(c.kernel, wasmInputs, c.attrs, Math.min(REPS, 3));
      swap(c.kernel, ours.get(c.kernel)!);
    }
    tf.dispose([...Object.values(wasmInputs), ...Object.values(forwardInputs)]);
    // The cpu backend's gradients are scalar JS (seconds to minutes per call at these sizes):
    // measured on 1/CPU_SHRINK of the batch and scaled, since every kernel here is linear in it.
    await tf.setBackend("cpu");
    const batch = c.inputs[Object.keys(c.inputs)[0]!]![0]!;
    const cpuBatch = c.kernel === "BatchMatMul" || c.kernel === "Transpose" ? batch : Math.max(1, Math.floor(batch / CPU_SHRINK));
    const shrink = (shape: number[]) => (c.kernel === "BatchMatMul" || c.kernel === "Transpose" ? shape : [cpuBatch, ...shape.slice(1)]);
    const cpuInputs = Object.fromEntries(values.map((v) => [v.k, random(shrink(v.shape), v.seed)]));
    const cpuAttrs = { ...c.attrs, ...(c.attrs.inputShape ? { inputShape: shrink(c.attrs.inputShape as number[]) } : {}) };
    const cpuMs = (time(c.kernel, cpuInputs, cpuAttrs, 1) * batch) / cpuBatch;
    tf.dispose(Object.values(cpuInputs));
    const r2 = (x: number) => Math.round(x * 100) / 100;
    rows.push({
      kernel: c.kernel,
      shape: c.shape,
      wasm_ms: r2(wasmMs),
      cpu_ms: r2(cpuMs),
      cpu_measured_batch: cpuBatch,
      speedup: r2(cpuMs / wasmMs),
      stock_wasm_ms: stockMs === null ? null : r2(stockMs),
      forward_ms: forwardMs === null ? null : r2(forwardMs),
      forward_ratio: forwardMs === null ? null : r2(wasmMs / forwardMs),
    });
    console.error(
      `${c.kernel} ${c.shape}: ${wasmMs.toFixed(1)} ms (forward ${forwardMs?.toFixed(1) ?? "–"}, cpu ${cpuMs.toFixed(0)}${stockMs === null ? "" : `, stock wasm ${stockMs.toFixed(1)}`})`,
    );
  }
  return rows;
}

/** Images per second of real training steps (forward, backward, augmentation, SGD) on synthetic data. */
async function trainingRows(steps: number) {
  const pixels = () => {
    const d = allocatePixelDataset(1024, 48, 1);
    new Uint8Array(d.buffer).forEach((_, i, a) => (a[i] = (i * 7919) % 251));
    return d;
  };
  const recipes: { recipe: string; net: NetSpec; data: () => TrainingDataset; batch: number; side?: number }[] = [
    ...(["cnn-s", "cnn-sw", "cnn-m"] as const).map((id) => ({
      recipe: `scratch ${id} 48 px, batch 128 in 2 shards`,
      net: architectureSpec(id, 0.3, 7),
      data: pixels,
      batch: 128,
    })),
    // Progressive resizing's early epochs: augmented at 48 px, then scaled down and trained at the smaller side.
    ...([32, 40] as const).map((side) => ({
      recipe: `scratch cnn-s at ${side} px (progressive resizing), batch 128 in 2 shards`,
      net: architectureSpec("cnn-s", 0.3, 7),
      data: pixels,
      batch: 128,
      side,
    })),
    {
      // Images per second through both networks (each image trains two cnn-s).
      recipe: "scratch cohort of 2 cnn-s 48 px, peers' share 0.5, batch 128 in 2 shards",
      net: { kind: "cohort" as const, member: architectureSpec("cnn-s", 0.3, 7), members: 2, mutualWeight: 0.5, burnInEpochs: 0, classes: 7 },
      data: pixels,
      batch: 128,
    },
    {
      recipe: "finetune faceapi-expression top 1 block (cached 14×14×128), batch 128 in 2 shards",
      net: { kind: "faceapi-top" as const, trainableBlocks: 1, dropout: 0.3, classes: 7 },
      data: () => {
        const d = allocateFeatureDataset(1024, faceApiTrunkShape(1));
        new Uint16Array(d.buffer).forEach((_, i, a) => (a[i] = 0x3000 + ((i * 31) % 1024)));
        return d;
      },
      batch: 128,
    },
  ];
  const rows = [];
  for (const r of recipes) {
    for (const threads of [1, 2]) {
      const data = r.data();
      const workers = await GradientWorkers.start(threads, { net: r.net, seed: 1, data, norm: { mean: 128, scale: 1 / 64 } });
      const { params } = await workers.initialWeights();
      const { drawAugmentations } = await import("../src/cnn/augment-draws.ts");
      const shardsOf = (step: number) =>
        [0, 1].map((s) => {
          const indices = Int32Array.from({ length: r.batch / 2 }, (_, i) => (step * r.batch + s * (r.batch / 2) + i) % data.count);
          return {
            indices,
            labels: Int32Array.from(indices, (i) => i % 7),
            draws:
              data.kind === "pixels"
                ? drawAugmentations(indices.length, 48, { ...NO_AUGMENTATION, flip: true, rotation: 15, shift: 0.1, zoom: 0.15, erase: 0.25 }, step * 2 + s)
                : null,
            classWeights: null,
            labelSmoothing: 0,
            ...(r.net.kind === "cohort" ? { mutualWeight: r.net.mutualWeight } : {}),
            ...(r.side ? { side: r.side } : {}),
            batchTotal: r.batch,
            dropoutSeed: step,
          };
        });
      await workers.step(params, shardsOf(0));
      const t0 = performance.now();
      for (let s = 1; s <= steps; s++) await workers.step(params, shardsOf(s));
      const seconds = (performance.now() - t0) / 1000;
      await workers.close();
      const imagesPerS = Math.round(((steps * r.batch) / seconds) * 10) / 10;
      rows.push({ recipe: r.recipe, images_per_s: imagesPerS, threads, backend: workers.backend });
      console.error(`${r.recipe}, ${threads} thread(s): ${imagesPerS} images/s`);
    }
  }
  return rows;
}

runMain(async () => {
  const kernels = values["skip-kernels"] ? [] : await kernelRows();
  const training = values["skip-training"] ? [] : await trainingRows(Number(values.steps));
  console.log(JSON.stringify({ kernels, training }, null, 1));
});

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { batchNormTrain } from "../cnn/batch-norm.ts";
import { rng } from "../training/random.ts";
import { registerWasmTrainingKernels } from "./index.ts";
import { simplifyPermutation } from "./transpose.ts";

// Every kernel is checked against TF.js's cpu backend on the same random inputs. Tolerance, as
// the issue sets it: the largest absolute difference ≤ 1e-4 × the largest absolute reference value.
const TOLERANCE = 1e-4;

function randomValues(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/** Runs `f` on both backends with the same inputs and returns each output's values. */
async function onBoth(
  inputs: { shape: number[]; seed: number }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const out: Record<string, Float32Array[]> = {};
  for (const backend of ["cpu", "wasm"]) {
    await tf.setBackend(backend);
    const xs = inputs.map((i) =>
      tf.tensor(
        randomValues(
          i.shape.reduce((a, b) => a * b, 1),
          i.seed,
        ),
        i.shape,
      ),
    );
    const result = f(...xs);
    out[backend] = (Array.isArray(result) ? result : [result]).map((t) => t.dataSync() as Float32Array);
    tf.dispose([...xs, ...(Array.isArray(result) ? result : [result])]);
  }
  return { cpu: out.cpu!, wasm: out.wasm! };
}

function relativeError(reference: Float32Array, actual: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i]! - actual[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

function expectClose(r: { cpu: Float32Array[]; wasm: Float32Array[] }) {
  expect(r.wasm.length).toBe(r.cpu.length);
  r.cpu.forEach((ref, i) => expect(relativeError(ref, r.wasm[i]!)).toBeLessThanOrEqual(TOLERANCE));
}

beforeAll(async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  registerWasmTrainingKernels();
});

type Pad = "same" | "valid";
const CONV_CASES: { n: number; h: number; w: number; ci: number; co: number; k: number; s: 1 | 2; pad: Pad }[] = [];
for (const s of [1, 2] as const) {
  for (const pad of ["same", "valid"] as const) {
    CONV_CASES.push({ n: 3, h: 9, w: 7, ci: 5, co: 6, k: 3, s, pad });
    // Few input channels (kh·kw·ci < co): the first layer's filter-gradient pass, with and
    // without output channels left over from its groups of four.
    CONV_CASES.push({ n: 2, h: 8, w: 11, ci: 1, co: 12, k: 3, s, pad });
    CONV_CASES.push({ n: 3, h: 7, w: 9, ci: 2, co: 19, k: 3, s, pad });
    // More taps than that pass takes, still fewer than the outputs: the im2col matMul route.
    CONV_CASES.push({ n: 2, h: 6, w: 5, ci: 5, co: 48, k: 3, s, pad });
    CONV_CASES.push({ n: 2, h: 10, w: 10, ci: 4, co: 3, k: 5, s, pad });
    CONV_CASES.push({ n: 2, h: 6, w: 9, ci: 3, co: 4, k: 2, s, pad }); // even kernel: asymmetric 'same' padding
  }
}

describe("wasm convolution gradients match the cpu backend", () => {
  it.each(CONV_CASES)("conv2d n=$n $h×$w ci=$ci co=$co k=$k stride $s $pad", async (c) => {
    const r = await onBoth(
      [
        { shape: [c.n, c.h, c.w, c.ci], seed: 1 },
        { shape: [c.k, c.k, c.ci, c.co], seed: 2 },
        { shape: [c.n, c.h, c.w, c.ci], seed: 3 },
      ],
      (x, w, probe) => {
        // Weight the output with a fixed random tensor, so every output position's gradient differs.
        const out = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad);
        const weights = tf.slice(tf.tile(probe!, [1, 1, 1, Math.ceil(out.shape[3] / c.ci)]), [0, 0, 0, 0], out.shape);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), weights)))([x!, w!]);
      },
    );
    expectClose(r);
  });

  it.each(CONV_CASES.flatMap((c) => [1, 2].map((m) => ({ ...c, m }))).filter((c) => c.k !== 2 || c.s === 1))(
    "depthwise n=$n $h×$w c=$ci multiplier $m k=$k stride $s $pad",
    async (c) => {
      const r = await onBoth(
        [
          { shape: [c.n, c.h, c.w, c.ci], seed: 4 },
          { shape: [c.k, c.k, c.ci, c.m], seed: 5 },
        ],
        (x, w) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad))))([x!, w!]),
      );
      expectClose(r);
    },
  );
});

describe("wasm pooling, transpose, matMul and batch-norm kernels match the cpu backend", () => {
  it.each([
    { k: 2, s: 2, pad: "valid" as Pad, h: 8 },
    // Tiling windows with an odd height: the last row belongs to no window ("valid") or to clipped ones ("same").
    { k: 2, s: 2, pad: "valid" as Pad, h: 7 },
    { k: 2, s: 2, pad: "same" as Pad, h: 7 },
    { k: 3, s: 2, pad: "same" as Pad, h: 9 },
    { k: 3, s: 1, pad: "same" as Pad, h: 7 },
  ])("max pool gradient k=$k stride $s $pad", async (c) => {
    const r = await onBoth([{ shape: [3, c.h, c.h + 1, 5], seed: 6 }], (x) =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad))))(x!),
    );
    expectClose(r);
  });

  it("max pool gradient goes to the first maximum of a window, negative windows included", async () => {
    // Six channels: four through the SIMD lanes, two through the scalar rest.
    const r = await onBoth([{ shape: [1, 4, 4, 3], seed: 7 }], (x) => {
      const negativeWithTies = tf.concat([tf.neg(tf.abs(x!)), tf.fill([1, 4, 4, 1], -0.5)], 3);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(negativeWithTies);
    });
    expect(Array.from(r.wasm[0]!)).toEqual(Array.from(r.cpu[0]!));
  });

  it.each([
    { shape: [4, 6, 5, 3], perm: [3, 1, 2, 0] },
    { shape: [4, 6, 5, 3], perm: [1, 2, 0, 3] },
    { shape: [7, 9], perm: [1, 0] },
    { shape: [2, 3, 4, 5, 6], perm: [4, 2, 0, 3, 1] },
    { shape: [5, 1, 4, 3], perm: [2, 3, 1, 0] },
  ])("transpose $shape by $perm", async (c) => {
    const r = await onBoth([{ shape: c.shape, seed: 8 }], (x) => tf.transpose(x!, c.perm));
    expect(Array.from(r.wasm[0]!)).toEqual(Array.from(r.cpu[0]!));
  });

  it("simplifies permutations by merging axes that stay adjacent", () => {
    expect(simplifyPermutation([64, 48, 48, 32], [1, 2, 0, 3])).toEqual({ shape: [64, 2304, 32], perm: [1, 0, 2] });
    expect(simplifyPermutation([64, 48, 48, 32], [3, 1, 2, 0])).toEqual({ shape: [64, 2304, 32], perm: [2, 1, 0] });
    expect(simplifyPermutation([5, 1, 4], [2, 1, 0])).toEqual({ shape: [5, 4], perm: [1, 0] });
  });

  it.each([
    { a: [37, 19], b: [37, 11], tA: true, tB: false },
    { a: [13, 19], b: [11, 19], tA: false, tB: true },
    { a: [19, 13], b: [11, 19], tA: true, tB: true },
  ])("matMul $a × $b transposeA=$tA transposeB=$tB", async (c) => {
    const r = await onBoth(
      [
        { shape: c.a, seed: 9 },
        { shape: c.b, seed: 10 },
      ],
      (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, c.tA, c.tB),
    );
    expectClose(r);
  });

  it("batch norm's fused gradient matches differentiating moments and batchNorm", async () => {
    const shape = [3, 5, 4, 6];
    const r = await onBoth(
      [
        { shape, seed: 11 },
        { shape: [6], seed: 12 },
        { shape: [6], seed: 13 },
        { shape, seed: 14 },
      ],
      (x, g, b, probe) => {
        const gamma = tf.variable(g!);
        const beta = tf.variable(b!);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(batchNormTrain(x!, gamma, beta), probe!)) as tf.Scalar, [gamma, beta]);
        const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a, gamma, beta), probe!)))(x!);
        // Reference: TF.js's own ops, differentiated by TF.js.
        const reference = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, bb, gg, 1e-3), probe!));
        })([x!, g!, b!]);
        const out = [dx, grads[gamma.name]!, grads[beta.name]!, ...reference];
        gamma.dispose();
        beta.dispose();
        return out;
      },
    );
    // Mien's gradient on wasm against TF.js's own composed gradient on cpu.
    expectClose({ cpu: r.cpu.slice(3), wasm: r.wasm.slice(0, 3) });
  });
});

describe("a whole small network's gradients match between wasm and cpu", () => {
  it("conv → BN → ReLU → max pool → depthwise (stride 2) → conv (stride 2) → dense", async () => {
    const r = await onBoth(
      [
        { shape: [4, 12, 12, 1], seed: 20 },
        { shape: [3, 3, 1, 6], seed: 21 },
        { shape: [6], seed: 22 },
        { shape: [6], seed: 23 },
        { shape: [3, 3, 6, 2], seed: 24 },
        { shape: [3, 3, 12, 8], seed: 25 },
        { shape: [8, 5], seed: 26 },
      ],
      (x, w1, g, b, dw, w2, d) => {
        const vars = [w1!, g!, b!, dw!, w2!, d!].map((t) => tf.variable(t));
        const [vw1, vg, vb, vdw, vw2, vd] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
        const labels = tf.oneHot(tf.tensor1d([0, 3, 1, 4], "int32"), 5);
        const { grads } = tf.variableGrads(() => {
          let h = tf.conv2d(x as tf.Tensor4D, vw1 as tf.Tensor4D, 1, "same");
          h = tf.relu(batchNormTrain(h, vg, vb)) as tf.Tensor4D;
          h = tf.maxPool(h, 2, 2, "valid");
          h = tf.relu(tf.depthwiseConv2d(h, vdw as tf.Tensor4D, 2, "same")) as tf.Tensor4D;
          h = tf.relu(tf.conv2d(h, vw2 as tf.Tensor4D, 2, "valid")) as tf.Tensor4D;
          const logits = tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, vd as tf.Tensor2D);
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        }, vars);
        const out = vars.map((v) => grads[v.name]!);
        tf.dispose([...vars, labels]);
        return out;
      },
    );
    expect(r.cpu).toHaveLength(6);
    expectClose(r);
  });
});

describe("Mien's wasm module", () => {
  it("is the build of assembly/kernels.ts (rebuilt and compared byte for byte)", async () => {
    const { execFile } = await import("node:child_process");
    const script = new URL("../../scripts/build-kernels.mjs", import.meta.url).pathname;
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [script, "--check"], (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
    });
    expect(result.stderr).toContain("matches");
    expect(result.code).toBe(0);
  }, 60_000);
});

import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { priorBias, softmaxWithTemperature } from "../metrics.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { buildTrainableHead, inferenceHead, type HeadSpec } from "../training/head-model.ts";
import { headFiles, loadHead } from "./head-files.ts";
import { loadExpressionModel } from "./load.ts";
import { ARTIFACT_FORMAT, parseArtifactManifest, type ArtifactManifest } from "./manifest.ts";
import { float32ToFloat16Bits, quantizeWeights } from "./quantize.ts";
import { sha256Hex } from "./sha256.ts";

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
});

const spec: HeadSpec = { inputDim: 256, numClasses: 4, hidden: [16], inputDropout: 0.2, dropout: 0.5, l2: 0, seed: 3 };

describe("float16 encoding", () => {
  it("matches IEEE binary16 for exact values, rounding, overflow and tiny numbers", () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.5)).toBe(0x3800);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(1e-10)).toBe(0);
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
    const q = quantizeWeights([{ name: "w", shape: [1000], values }], "float16");
    const back = tf.io.decodeWeights(q.data, q.specs).w!.dataSync();
    values.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
  });

  it("uint8 quantisation decodes within one step of the original", () => {
    const values = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i) * 0.7 - 0.1);
    const q = quantizeWeights([{ name: "w", shape: [300], values }], "uint8");
    const back = tf.io.decodeWeights(q.data, q.specs).w!.dataSync();
    const step = (Math.max(...values) - Math.min(...values)) / 255;
    values.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(step / 2 + 1e-6));
  });
});

describe("the published head", () => {
  it("folds the standardisation into its first layer and survives float16 quantisation", async () => {
    const trained = buildTrainableHead(spec);
    const mean = Float32Array.from({ length: 256 }, (_, i) => (i % 7) * 0.3);
    const std = Float32Array.from({ length: 256 }, (_, i) => 0.5 + (i % 5) * 0.2);
    const x = tf.randomNormal([6, 256], 1, 2, "float32", 9) as tf.Tensor2D;
    const expected = trained.predict(tf.div(tf.sub(x, mean), std)) as tf.Tensor;
    const folded = inferenceHead(trained, spec, { mean, std });
    expect(await (folded.predict(x) as tf.Tensor).array()).toEqual(expect.anything());
    const foldedOut = (folded.predict(x) as tf.Tensor).dataSync();
    expected.dataSync().forEach((v, i) => expect(foldedOut[i]).toBeCloseTo(v, 3));

    const files = await headFiles(folded, "float16");
    expect(files["weights.bin"]!.byteLength).toBe((256 * 16 + 16 + 16 * 4 + 4) * 2);
    const loaded = await loadHead(files["model.json"], async (name) => files[name]!.slice().buffer);
    const out = (loaded.predict(x) as tf.Tensor).dataSync();
    foldedOut.forEach((v, i) => expect(Math.abs(out[i]! - v)).toBeLessThan(0.05));
  });
});

async function versionFiles(): Promise<{ manifest: ArtifactManifest; files: Map<string, Uint8Array> }> {
  const head = inferenceHead(buildTrainableHead(spec), spec, { mean: new Float32Array(256), std: new Float32Array(256).fill(1) });
  const files = new Map<string, Uint8Array>(Object.entries(await headFiles(head, "float16")));
  const list = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256Hex(bytes), bytes: bytes.byteLength })));
  const manifest = parseArtifactManifest({
    format: ARTIFACT_FORMAT,
    formatVersion: 1,
    name: "unit",
    createdAt: new Date().toISOString(),
    codeVersion: "test",
    classes: ["anger", "happiness", "neutral", "surprise"],
    backbones: [{ id: "faceapi-expression", provenance: "test" }],
    preprocessing: { colour: "gray", faceBox: { scale: 1.15, shiftY: 0 }, tta: "flip" },
    head: { modelFile: "model.json", quantization: "float16" },
    calibration: { temperature: 1.5, abstainThreshold: 0.4 },
    snapshot: { contentHash: "a".repeat(64) },
    training: { config: {}, backend: "wasm", seconds: 1 },
    metrics: {},
    files: list,
  });
  return { manifest, files };
}

describe("loadExpressionModel", () => {
  it("runs backbone → head → temperature → flip TTA on face crops and gives calibrated probabilities", async () => {
    const { manifest, files } = await versionFiles();
    const model = await loadExpressionModel(manifest, async (name) => files.get(name)!.slice().buffer, nodeModelSources());
    const crops = tf.randomUniform([3, 64, 64, 3], 0, 255, "float32", 4) as tf.Tensor4D;
    const probs = model.predict(crops);
    expect(probs.shape).toEqual([3, 4]);
    const rows = (await probs.array()) as number[][];
    for (const row of rows) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // A mirrored crop gives the same answer when flip TTA averages both views.
    const mirrored = model.predict(tf.reverse(crops, 2) as tf.Tensor4D);
    const m = (await mirrored.array()) as number[][];
    rows.forEach((row, i) => row.forEach((p, j) => expect(m[i]![j]).toBeCloseTo(p, 4)));
    model.dispose();
  });

  it("takes the training prior back out with the fitted strength before the temperature", async () => {
    const { manifest, files } = await versionFiles();
    const read = async (name: string) => files.get(name)!.slice().buffer;
    const crops = tf.randomUniform([3, 64, 64, 3], 0, 255, "float32", 6) as tf.Tensor4D;
    const plain = await loadExpressionModel({ ...manifest, calibration: { temperature: 1, abstainThreshold: 0.4 } }, read, nodeModelSources());
    const p0 = plain.predict(crops).dataSync();
    plain.dispose();
    await new Promise((done) => setImmediate(done));
    const priorCorrection = { strength: 0.5, trainShares: [0.4, 0.3, 0.2, 0.1] };
    const tensorsBefore = tf.memory().numTensors;
    const corrected = await loadExpressionModel(
      parseArtifactManifest({ ...manifest, calibration: { temperature: 1.5, abstainThreshold: 0.4, priorCorrection } }),
      read,
      nodeModelSources(),
    );
    const out = corrected.predict(crops);
    const actual = out.dataSync();
    // The offsets are made once at load: a frame's prediction leaves nothing behind but its output.
    const afterOne = tf.memory().numTensors;
    corrected.predict(crops).dispose();
    expect(tf.memory().numTensors).toBe(afterOne);
    out.dispose();
    const bias = priorBias(priorCorrection.trainShares, priorCorrection.strength);
    const expected = softmaxWithTemperature(
      Array.from(p0, (p, i) => Math.log(p) + bias[i % 4]!),
      4,
      1.5,
    );
    expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
    // The rarest class gains the most.
    expect(actual[3]! / p0[3]!).toBeGreaterThan(actual[0]! / p0[0]!);
    corrected.dispose();
    await new Promise((done) => setImmediate(done));
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(() =>
      parseArtifactManifest({
        ...manifest,
        calibration: { temperature: 1, abstainThreshold: 0.4, priorCorrection: { strength: 0.5, trainShares: [0.5, 0.5] } },
      }),
    ).toThrow(/calibration\.priorCorrection\.trainShares: calibration\.priorCorrection needs one training share per class/);
  });

  it("refuses a tampered or truncated file, and a backbone this build lacks, with a clear message", async () => {
    const { manifest, files } = await versionFiles();
    const tampered = files.get("weights.bin")!.slice();
    tampered[10] = tampered[10]! ^ 0xff;
    await expect(
      loadExpressionModel(manifest, async (n) => (n === "weights.bin" ? tampered.buffer : files.get(n)!.slice().buffer), nodeModelSources()),
    ).rejects.toThrow(/weights\.bin does not match its sha256/);
    await expect(loadExpressionModel(manifest, async (n) => files.get(n)!.slice(0, 10).buffer, nodeModelSources())).rejects.toThrow(/truncated or altered/);
    const unknown = { ...manifest, backbones: [{ id: "imagenet-resnet50", provenance: "x" }] };
    await expect(loadExpressionModel(unknown, async (n) => files.get(n)!.slice().buffer, nodeModelSources())).rejects.toThrow(
      /needs backbone\(s\) imagenet-resnet50/,
    );
  });
});

describe("a version of several members (format 2)", () => {
  it.each([
    { weights: [undefined, undefined], case: "equally" },
    { weights: [3, 1], case: "with the members' weights" },
  ])(
    "averages its members' log-probabilities $case, sharing face-api's blocks without changing any member's answer",
    async ({ weights }) => {
      const { FaceApiTop, faceApiTopToLayersModel } = await import("../cnn/faceapi-top.ts");
      const { FaceApiExpressionNet } = await import("../backbones/faceapi-expression.ts");
      const { preprocess } = await import("../preprocess.ts");
      const { toCropColour } = await import("../crop-colour.ts");
      const sources = nodeModelSources();
      // Member 0: a head on face-api embeddings; member 1: face-api's top block (fine-tuned) on its frozen trunk.
      const head = inferenceHead(buildTrainableHead(spec), spec, { mean: new Float32Array(256), std: new Float32Array(256).fill(1) });
      const top = await FaceApiTop.load({ kind: "faceapi-top", trainableBlocks: 1, dropout: 0, classes: 4 }, sources, 5);
      const topModel = faceApiTopToLayersModel(
        top.spec,
        top.paramNames,
        top.params.map((p) => p.dataSync() as Float32Array),
        top.params.map((p) => [...p.shape]),
      );
      const files = new Map<string, Uint8Array>();
      const rename = (prefix: string, f: Record<string, Uint8Array>) => {
        const json = JSON.parse(new TextDecoder().decode(f["model.json"]));
        json.weightsManifest[0].paths = [`${prefix}.bin`];
        files.set(`${prefix}.json`, new TextEncoder().encode(JSON.stringify(json)));
        files.set(`${prefix}.bin`, f["weights.bin"]!);
      };
      rename("m0", await headFiles(head, "none"));
      rename("m1", await headFiles(topModel, "none"));
      const list = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256Hex(bytes), bytes: bytes.byteLength })));
      const manifest = parseArtifactManifest({
        format: ARTIFACT_FORMAT,
        formatVersion: 2,
        name: "pair",
        createdAt: new Date().toISOString(),
        codeVersion: "test",
        classes: ["anger", "happiness", "neutral", "surprise"],
        backbones: [{ id: "faceapi-expression", provenance: "test" }],
        members: [
          { kind: "head", backbones: ["faceapi-expression"], modelFile: "m0.json", quantization: "none", weight: weights[0] },
          {
            kind: "conv",
            trunk: { id: "faceapi-expression", blocks: 3 },
            architecture: "top block",
            modelFile: "m1.json",
            quantization: "none",
            weight: weights[1],
          },
        ],
        preprocessing: { colour: "gray", faceBox: { scale: 1.15, shiftY: 0 }, tta: "flip" },
        calibration: { temperature: 1.3, abstainThreshold: 0.4 },
        snapshot: { contentHash: "b".repeat(64) },
        training: { config: {}, backend: "wasm", seconds: 1 },
        metrics: {},
        files: list,
      });
      const model = await loadExpressionModel(manifest, async (name) => files.get(name)!.slice().buffer, sources);
      const crops = tf.randomUniform([2, 64, 64, 3], 0, 255, "float32", 8) as tf.Tensor4D;
      const actual = model.predict(crops).dataSync();
      // The same, computed member by member with no sharing.
      const net = await FaceApiExpressionNet.load(sources.faceApi);
      const expected = tf.tidy(() => {
        const x = toCropColour(crops, "gray");
        const views = [false, true].flatMap((flip) => {
          const input = preprocess(x, net.input, { flip });
          return [head.predict(net.embed(input)) as tf.Tensor2D, topModel.predict(net.extractor.featureMapsUpTo(input, 3)) as tf.Tensor2D].map((l, i) =>
            tf.mul(tf.logSoftmax(l), weights[i] ?? 1),
          );
        });
        const total = 2 * ((weights[0] ?? 1) + (weights[1] ?? 1));
        return tf.softmax(tf.div(tf.div(tf.addN(views), total), 1.3)).dataSync();
      });
      expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
      const before = tf.memory().numTensors;
      model.predict(crops).dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      net.dispose();
      top.dispose();
    },
    60_000,
  );
});

describe("flip-shift TTA", () => {
  it("gives crop-seeing members ten views (mirror × centre and four 2 px shifts) and face-api members two", async () => {
    const { viewsFor } = await import("./load.ts");
    expect(viewsFor("none", true)).toEqual([{ flip: false }]);
    expect(viewsFor("flip", true)).toHaveLength(2);
    expect(viewsFor("flip-shift", false)).toEqual([{ flip: false }, { flip: true }]);
    const views = viewsFor("flip-shift", true);
    expect(views).toHaveLength(10);
    expect(new Set(views.map((v) => `${v.flip}:${v.shift ?? "0,0"}`)).size).toBe(10);
  });

  it("flip-crop mirrors only for members that see the crop; face-api members read it once", async () => {
    const { viewsFor } = await import("./load.ts");
    expect(viewsFor("flip-crop", true)).toEqual([{ flip: false }, { flip: true }]);
    expect(viewsFor("flip-crop", false)).toEqual([{ flip: false }]);
  });

  it("averages a conv member over the shifted crops, their borders mirrored", async () => {
    const { preprocess } = await import("../preprocess.ts");
    const { toCropColour } = await import("../crop-colour.ts");
    const size = 12;
    const net = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [size, size, 1], filters: 2, kernelSize: 3, activation: "relu", seed: 1 } as never),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, seed: 2 } as never),
      ],
    });
    const files = new Map<string, Uint8Array>(Object.entries(await headFiles(net, "none")));
    const list = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256Hex(bytes), bytes: bytes.byteLength })));
    const input = { size, channels: 1 as const, mean: 127.5, scale: 1 / 127.5 };
    const manifest = parseArtifactManifest({
      format: ARTIFACT_FORMAT,
      formatVersion: 2,
      name: "shift",
      createdAt: new Date().toISOString(),
      codeVersion: "test",
      classes: ["anger", "happiness", "neutral", "surprise"],
      backbones: [],
      members: [{ kind: "conv", input, architecture: "tiny", modelFile: "model.json", quantization: "none" }],
      preprocessing: { colour: "gray", faceBox: { scale: 1.15, shiftY: 0 }, tta: "flip-shift" },
      calibration: { temperature: 1, abstainThreshold: 0.4 },
      snapshot: { contentHash: "c".repeat(64) },
      training: { config: {}, backend: "wasm", seconds: 1 },
      metrics: {},
      files: list,
    });
    const model = await loadExpressionModel(manifest, async (name) => files.get(name)!.slice().buffer, nodeModelSources());
    const crops = tf.randomUniform([2, 20, 20, 3], 0, 255, "float32", 9) as tf.Tensor4D;
    const actual = model.predict(crops).dataSync();
    // The same views built pixel by pixel: out(y, x) = in(y − dy, x − dx), mirrored at the edge.
    const mirror = (i: number) => (i < 0 ? -i - 1 : i >= size ? 2 * size - i - 1 : i);
    const expected = tf.tidy(() => {
      const gray = toCropColour(crops, "gray");
      const views = [false, true].flatMap((flip) => {
        const base = preprocess(gray, { ...input, mean: [input.mean] }, { flip });
        const px = base.arraySync() as number[][][][];
        const shifted = ([dx, dy]: readonly [number, number]) =>
          tf.tensor4d(px.map((im) => im.map((_, y) => im[0]!.map((_, x) => im[mirror(y - dy)]![mirror(x - dx)]!)))) as tf.Tensor4D;
        return [
          base,
          ...(
            [
              [2, 0],
              [-2, 0],
              [0, 2],
              [0, -2],
            ] as const
          ).map(shifted),
        ].map((v) => tf.logSoftmax(net.predict(v) as tf.Tensor2D));
      });
      return tf.softmax(tf.div(tf.addN(views), views.length)).dataSync();
    });
    expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
    // Without shifts the answer differs: the test would notice shifts being skipped.
    const flipOnly = await loadExpressionModel(
      { ...manifest, preprocessing: { ...manifest.preprocessing, tta: "flip" } },
      async (name) => files.get(name)!.slice().buffer,
      nodeModelSources(),
    );
    const flipped = flipOnly.predict(crops).dataSync();
    expect(Math.max(...Array.from(flipped, (v, i) => Math.abs(v - actual[i]!)))).toBeGreaterThan(1e-4);
    model.dispose();
    flipOnly.dispose();
  });
});

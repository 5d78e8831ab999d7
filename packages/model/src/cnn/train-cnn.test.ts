import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { normalizeLabel } from "../classes.ts";
import { NO_AUGMENTATION } from "./augment-draws.ts";
import { decodeCnnCheckpoint, encodeCnnCheckpoint } from "./checkpoint.ts";
import { allocatePixelDataset } from "./dataset-buffer.ts";
import type { ScratchCnnSpec } from "./scratch-cnn.ts";
import { shardInput } from "./shard.ts";
import { trainCnn, TrainingDivergedError, type CnnCheckpoint, type CnnTrainingOptions } from "./train-cnn.node.ts";

const VAL = new URL("../../../../../shared/data/fer2013/val", import.meta.url).pathname;
const CLASSES = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"] as const;
const SIDE = 24;

/** 12 real FER2013 val faces per class, downscaled to 24 px (or `side`) so the tests stay quick. */
async function smallFer(side = SIDE) {
  const files: { path: string; label: number }[] = [];
  for (const dir of (await readdir(VAL)).sort()) {
    const label = CLASSES.indexOf(normalizeLabel(dir) as (typeof CLASSES)[number]);
    for (const f of (await readdir(join(VAL, dir))).sort().slice(0, 12)) files.push({ path: join(VAL, dir, f), label });
  }
  const data = allocatePixelDataset(files.length, side, 1);
  const px = new Uint8Array(data.buffer);
  for (const [i, f] of files.entries())
    px.set(
      await sharp(await readFile(f.path))
        .greyscale()
        .resize(side, side)
        .raw()
        .toBuffer(),
      i * side * side,
    );
  const all = Int32Array.from(files, (_, i) => i);
  const labels = Int32Array.from(files, (f) => f.label);
  // Every third image is "val".
  const pick = (keep: (i: number) => boolean) => {
    const idx = all.filter((i) => keep(i));
    return { indices: idx, labels: Int32Array.from(idx, (i) => labels[i]!) };
  };
  return { data, train: pick((i) => i % 3 !== 0), val: pick((i) => i % 3 === 0) };
}

const net: ScratchCnnSpec = {
  kind: "scratch-cnn",
  inputSize: SIDE,
  stages: [
    { filters: 4, convs: 1 },
    { filters: 8, convs: 2 },
  ],
  dropout: 0.2,
  classes: 7,
};

function options(overrides: Partial<CnnTrainingOptions> = {}): CnnTrainingOptions {
  return {
    net,
    norm: { mean: 128, scale: 1 / 64 },
    epochs: 2,
    batchSize: 16,
    shards: 2,
    threads: 1,
    backend: "wasm",
    learningRate: 0.05,
    warmupEpochs: 0,
    momentum: 0.9,
    weightDecay: 5e-4,
    labelSmoothing: 0.1,
    classWeights: null,
    augment: { ...NO_AUGMENTATION, flip: true, rotation: 10, shift: 0.1, erase: 0.5 },
    bnMomentum: 0.9,
    seed: 3,
    ...overrides,
  };
}

describe("data-parallel conv training", () => {
  it("gives the same weights on two threads as on one (same shards)", async () => {
    const { data, train, val } = await smallFer();
    const one = await trainCnn(data, train, val, options({ threads: 1 }), { fingerprint: "t" });
    const two = await trainCnn(data, train, val, options({ threads: 2 }), { fingerprint: "t" });
    expect(two.history.map((h) => h.loss)).toEqual(one.history.map((h) => h.loss));
    let diff = 0;
    let scale = 0;
    one.params.forEach((p, i) => p.forEach((v, j) => ((diff = Math.max(diff, Math.abs(v - two.params[i]![j]!))), (scale = Math.max(scale, Math.abs(v))))));
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(1e-6 * scale);
    // And the weights moved: training did something.
    const fresh = await trainCnn(data, train, val, options({ epochs: 1, learningRate: 1e-9 }), { fingerprint: "t" });
    expect(fresh.params[0]).not.toEqual(one.params[0]);
  }, 120_000);

  it("resumes after an epoch's checkpoint to the same result as an uninterrupted run", async () => {
    const { data, train, val } = await smallFer();
    const checkpoints: CnnCheckpoint[] = [];
    const full = await trainCnn(data, train, val, options({ epochs: 3 }), {
      fingerprint: "r",
      onEpoch: async (_r, c) => void checkpoints.push(structuredClone(c)),
    });
    const resumed = await trainCnn(data, train, val, options({ epochs: 3 }), { fingerprint: "r", resume: checkpoints[0]! });
    expect(resumed.history).toEqual(full.history);
    expect(resumed.params).toEqual(full.params);
  }, 120_000);

  it("trains its first epochs on smaller faces and scores val at the full side (progressive resizing)", async () => {
    const { data, train, val } = await smallFer(32);
    const at32 = { ...options(), net: { ...net, inputSize: 32 }, epochs: 3 };
    const lines: string[] = [];
    const resized = await trainCnn(data, train, val, { ...at32, progressive: { startSide: 24, epochs: 2 } }, { fingerprint: "p", log: (l) => lines.push(l) });
    const plain = await trainCnn(data, train, val, at32, { fingerprint: "p" });
    expect(lines.filter((l) => l.startsWith("epoch ")).map((l) => /^epoch \d\/3( at \d+ px)?:/.exec(l)?.[1] ?? "full")).toEqual([
      " at 24 px",
      " at 28 px",
      "full",
    ]);
    for (const h of resized.history) expect(Number.isFinite(h.loss) && Number.isFinite(h.valLoss) && h.valAccuracy >= 0).toBe(true);
    // The same seed draws the same batches and augmentations: only the sides differ, and the weights follow them.
    expect(resized.history[0]!.loss).not.toBe(plain.history[0]!.loss);
    expect(resized.params[0]).not.toEqual(plain.params[0]);
    // The step's input is the augmented full-size face scaled down; faces are never scaled up.
    const layout = { kind: "pixels", side: 32, channels: 1, norm: { mean: 128, scale: 1 / 64 } } as const;
    const rows = new Uint8Array(data.buffer).subarray(0, 2 * 32 * 32);
    expect(tf.tidy(() => shardInput({ rows, n: 2, draws: null, side: 24 }, layout).shape)).toEqual([2, 24, 24, 1]);
    expect(() => shardInput({ rows, n: 2, draws: null, side: 40 }, layout)).toThrow(/cannot train at 40 px on 32 px images/);
  }, 120_000);

  it("weight averaging leaves training as it was, keeps whichever of the average and the live weights val scores higher, and resumes from a stored checkpoint", async () => {
    const { data, train } = await smallFer();
    // Val scores the training faces here: 56 faces teach too little to tell unseen ones apart, and the choice needs figures that differ.
    const val = train;
    const run = { epochs: 6, learningRate: 0.2, augment: NO_AUGMENTATION };
    const plain: CnnCheckpoint[] = [];
    await trainCnn(data, train, val, options(run), { fingerprint: "a", onEpoch: async (_r, c) => void plain.push(structuredClone(c)) });
    const averaged: CnnCheckpoint[] = [];
    const lines: string[] = [];
    const result = await trainCnn(data, train, val, options({ ...run, emaDecay: 0.9 }), {
      fingerprint: "a",
      log: (line) => lines.push(line),
      onEpoch: async (_r, c) => void averaged.push(structuredClone(c)),
    });
    // The live weights follow the same steps; the average is something else.
    expect(averaged.map((c) => c.params)).toEqual(plain.map((c) => c.params));
    expect(averaged.at(-1)!.average!.params).not.toEqual(averaged.at(-1)!.params);
    // Each epoch's val figure is the better of the two, and the best epoch's weights are the side that scored it.
    const scores = lines.flatMap((l) => {
      const m = /val acc ([\d.]+)% \(averaged ([\d.]+)%, live ([\d.]+)%: (the average|the live weights)\)/.exec(l);
      return m ? [{ val: Number(m[1]), averaged: Number(m[2]), live: Number(m[3]), kept: m[4] }] : [];
    });
    expect(scores).toHaveLength(6);
    // This run keeps the average in some epochs and the live weights in others, so both sides are checked.
    expect(new Set(scores.map((x) => x.kept))).toEqual(new Set(["the average", "the live weights"]));
    for (const x of scores) {
      expect(x.val).toBe(Math.max(x.averaged, x.live));
      expect(x.kept).toBe(x.averaged >= x.live ? "the average" : "the live weights");
    }
    const atBest = averaged[result.bestEpoch - 1]!;
    expect(result.bestAveraged).toBe(scores[result.bestEpoch - 1]!.kept === "the average");
    expect(result.params).toEqual(result.bestAveraged ? atBest.average!.params : atBest.params);
    expect(result.state).toEqual(result.bestAveraged ? atBest.average!.state : atBest.state);
    expect(atBest.best.averaged).toBe(result.bestAveraged);
    // Through the stored form: a run resumed after epoch 1 ends where the uninterrupted one did.
    const stored = decodeCnnCheckpoint(encodeCnnCheckpoint(averaged[0]!));
    expect(stored.average).toEqual(averaged[0]!.average);
    expect(stored.best.averaged).toBe(averaged[0]!.best.averaged);
    const resumed = await trainCnn(data, train, val, options({ ...run, emaDecay: 0.9 }), { fingerprint: "a", resume: stored });
    expect(resumed.history).toEqual(result.history);
    expect(resumed.params).toEqual(result.params);
    expect(resumed.bestAveraged).toBe(result.bestAveraged);
    // A run without averaging keeps the live weights and says nothing about an average.
    const unaveraged = await trainCnn(data, train, val, options({ epochs: 1 }), { fingerprint: "a" });
    expect(unaveraged.bestAveraged).toBe(false);
  }, 120_000);

  it("distils: a teacher that says what the smoothed labels say trains as no teacher does, another teacher changes the result", async () => {
    const { data, train, val } = await smallFer();
    const k = 7;
    const eps = 0.1;
    // The smoothed one-hot target of every train position, as a teacher's probabilities.
    const agreeing = new Float32Array(train.labels.length * k).map((_, j) => (train.labels[Math.floor(j / k)] === j % k ? 1 - eps : 0) + eps / k);
    const plain = await trainCnn(data, train, val, options({ labelSmoothing: eps }), { fingerprint: "d" });
    const taught = await trainCnn(data, { ...train, soft: agreeing }, val, options({ labelSmoothing: eps, distillWeight: 0.7 }), { fingerprint: "d" });
    taught.params.forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - plain.params[i]![j]!)).toBeLessThanOrEqual(1e-5)));
    // A teacher that puts most weight on the next class over: the targets and so the weights differ.
    const other = new Float32Array(train.labels.length * k).map((_, j) => ((train.labels[Math.floor(j / k)]! + 1) % k === j % k ? 0.8 : 0.2 / (k - 1)));
    const misled = await trainCnn(data, { ...train, soft: other }, val, options({ labelSmoothing: eps, distillWeight: 0.7 }), { fingerprint: "d" });
    expect(misled.history[0]!.loss).not.toBeCloseTo(plain.history[0]!.loss, 3);
    expect(misled.params[0]).not.toEqual(plain.params[0]);
    // Rows that do not match the training positions are refused before any step.
    await expect(trainCnn(data, { ...train, soft: agreeing.subarray(k) }, val, options({ distillWeight: 0.5 }), { fingerprint: "d" })).rejects.toThrow(
      /teacher gave \d+ rows of probabilities for \d+ training images/,
    );
  }, 180_000);

  it("trains a cohort: with no mutual weight each member trains as it would alone, with one the members learn from each other, and a burn-in keeps them apart for its epochs", async () => {
    const { data, train, val } = await smallFer();
    const run = { epochs: 2, threads: 2 };
    // The weights after the last step (a run returns its best epoch's, which val, scoring one network or two, may pick differently).
    const last = async (o: CnnTrainingOptions) => {
      const epochs: CnnCheckpoint[] = [];
      const result = await trainCnn(data, train, val, o, { fingerprint: "c", onEpoch: async (_r, c) => void epochs.push(structuredClone(c)) });
      return { ...result, params: epochs.at(-1)!.params, state: epochs.at(-1)!.state, epochs };
    };
    const alone = await last(options(run));
    const cohort = (mutualWeight: number, burnInEpochs = 0, dropRate = 0) => ({
      kind: "cohort" as const,
      member: net,
      members: 2,
      mutualWeight,
      burnInEpochs,
      dropRate,
      classes: 7,
    });
    const apart = await last(options({ ...run, net: cohort(0) }));
    expect(apart.paramNames).toEqual([...alone.paramNames.map((n) => `m0/${n}`), ...alone.paramNames.map((n) => `m1/${n}`)]);
    // Member 0 has the lone network's seed, batches, augmentations and dropout: the same weights (the summed loss couples nothing).
    const m0 = apart.params.slice(0, alone.params.length);
    m0.forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - alone.params[i]![j]!)).toBeLessThanOrEqual(1e-5)));
    apart.state.slice(0, alone.state.length).forEach((p, i) => p.forEach((v, j) => expect(Math.abs(v - alone.state[i]![j]!)).toBeLessThanOrEqual(1e-5)));
    // Member 1 starts elsewhere.
    expect(apart.params[alone.params.length]).not.toEqual(m0[0]);
    const together = await last(options({ ...run, net: cohort(0.5) }));
    expect(together.params[0]).not.toEqual(m0[0]);
    expect(together.history).toHaveLength(2);
    for (const h of together.history) expect(h.valAccuracy).toBeGreaterThanOrEqual(0);
    // Burn-in: through epoch 1 the members train as if apart (the same weights); from epoch 2 they learn from each other.
    const burnt = await last(options({ ...run, net: cohort(0.5, 1) }));
    expect(burnt.epochs[0]!.params).toEqual(apart.epochs[0]!.params);
    expect(burnt.params[0]).not.toEqual(apart.params[0]);
    // Co-teaching: skipping starts after the burn-in too (epoch 1 as before), then changes what the members learn.
    const coTaught = await last(options({ ...run, net: cohort(0.5, 1, 0.5) }));
    expect(coTaught.epochs[0]!.params).toEqual(burnt.epochs[0]!.params);
    expect(coTaught.params[0]).not.toEqual(burnt.params[0]);
    for (const h of coTaught.history) expect(Number.isFinite(h.loss)).toBe(true);
  }, 180_000);

  it("stops with a clear error when the loss explodes, after saving only finished epochs", async () => {
    const { data, train, val } = await smallFer();
    const saved: number[] = [];
    const run = trainCnn(data, train, val, options({ epochs: 3, learningRate: 1e4, warmupEpochs: 0 }), {
      fingerprint: "n",
      onEpoch: async (r) => void saved.push(r.epoch),
    });
    await expect(run).rejects.toBeInstanceOf(TrainingDivergedError);
    await expect(run).rejects.toThrow(/diverged .*lower the learning rate/i);
    for (const [i, epoch] of saved.entries()) expect(epoch).toBe(i + 1);
  }, 120_000);
});

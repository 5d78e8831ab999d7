import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { augmentBatch, drawAugmentation, transformRow } from "../augment.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
import { abstainThreshold, evaluationReport } from "./evaluate.ts";
import { oversample } from "./features.ts";
import { trainHeadWithCheckpoints, type HeadCheckpoint, type HeadTrainingOptions } from "./head-trainer.ts";
import { learningRateAt } from "./lr-schedule.ts";

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
});

describe("learning-rate schedules", () => {
  const base = { initial: 0.01, warmupEpochs: 2, stepEvery: 3, stepFactor: 0.5 };
  it("warms up linearly, then follows the schedule", () => {
    expect(learningRateAt({ ...base, schedule: "constant" }, 1, 10)).toBeCloseTo(0.01 / 3);
    expect(learningRateAt({ ...base, schedule: "constant" }, 5, 10)).toBe(0.01);
    expect(learningRateAt({ ...base, schedule: "step" }, 3, 10)).toBe(0.01);
    expect(learningRateAt({ ...base, schedule: "step" }, 6, 10)).toBe(0.005);
    expect(learningRateAt({ ...base, schedule: "cosine" }, 3, 10)).toBeCloseTo(0.01);
    expect(learningRateAt({ ...base, schedule: "cosine" }, 10, 10)).toBeLessThan(0.001);
  });
});

describe("augmentation", () => {
  it("is the identity at zero strength, and a draw is reproducible from its seed", async () => {
    const x = tf.randomUniform([2, 20, 24, 3], 0, 255, "float32", 1) as tf.Tensor4D;
    const identity = drawAugmentation({}, 5);
    transformRow(identity, 24, 20).forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0][i]!, 9));
    const out = augmentBatch(x, [identity, identity]);
    const diff = tf.max(tf.abs(tf.sub(out, x))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-3);
    const amounts = { rotation: 45, shift: 0.2, shear: 0.2, zoom: 0.2, brightness: 0.2 };
    expect(drawAugmentation(amounts, 7)).toEqual(drawAugmentation(amounts, 7));
    const d = drawAugmentation(amounts, 7);
    expect(Math.abs(d.rotation)).toBeLessThanOrEqual(Math.PI / 4);
    const moved = augmentBatch(x, [d, d]);
    expect(tf.max(tf.abs(tf.sub(moved, x))).dataSync()[0]).toBeGreaterThan(1);
    expect(tf.min(moved).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(moved).dataSync()[0]).toBeLessThanOrEqual(255);
  });
});

describe("evaluation report and abstain threshold", () => {
  it("computes accuracy, balanced accuracy, top-2, per-class precision/recall and coverage", () => {
    // 4 images, 3 classes: two right, one right in top-2, one wrong even in top-2.
    const probs = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.5, 0.4, 0.1, 0.1, 0.3, 0.6]);
    const labels = Int32Array.from([0, 1, 1, 0]);
    const r = evaluationReport(probs, labels, ["anger", "happiness", "neutral"], { abstainThreshold: 0.6 });
    expect(r.accuracy).toBe(0.5);
    expect(r.top2).toBe(0.75);
    expect(r.balancedAccuracy).toBe(0.5);
    expect(r.perClass.anger).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.confusion).toEqual([
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(r.coverage).toBe(0.75);
    expect(r.accuracyWhenConfident).toBeCloseTo(2 / 3, 4);
  });

  it("picks the lowest confidence whose predictions above it reach the target accuracy", () => {
    const confidences = [0.95, 0.9, 0.85, 0.8, 0.6, 0.5, 0.45, 0.4];
    const hits = [1, 1, 1, 1, 1, 0, 0, 0];
    const probs = Float32Array.from(confidences.flatMap((p) => [p, (1 - p) / 2, (1 - p) / 2]));
    const labels = Int32Array.from(hits.map((h) => (h ? 0 : 1)));
    expect(abstainThreshold(probs, labels, 3, 0.8, 1)).toBe(0.5);
    expect(abstainThreshold(probs, labels, 3, 0.99, 1)).toBe(0.6);
  });
});

describe("head training with epoch checkpoints", () => {
  function data() {
    const n = 120;
    const dim = 8;
    const x = new Float32Array(n * dim);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < dim; j++) x[i * dim + j] = (j === y[i] ? 2 : 0) + Math.sin(i * 7 + j * 3);
    }
    return { train: { x, y }, val: { x: x.slice(0, 30 * dim), y: y.slice(0, 30) } };
  }
  const options: HeadTrainingOptions = {
    spec: { inputDim: 8, numClasses: 3, hidden: [8], inputDropout: 0, dropout: 0, l2: 0, seed: 2 },
    epochs: 6,
    batchSize: 16,
    learningRate: { initial: 0.01, schedule: "cosine", warmupEpochs: 1, stepEvery: 2, stepFactor: 0.5 },
    earlyStopping: { enabled: false, patience: 2 },
    fingerprint: "unit",
  };

  it("learns, and a run resumed from a checkpoint (through its bytes) ends where an uninterrupted run ends", async () => {
    const straight = await trainHeadWithCheckpoints(data(), options);
    expect(straight.history.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
    let saved: Uint8Array | null = null;
    await expect(
      trainHeadWithCheckpoints(data(), options, {
        onEpoch: async (result, checkpoint: HeadCheckpoint) => {
          if (result.epoch === 3) {
            saved = encodeCheckpoint(checkpoint);
            throw new Error("killed");
          }
        },
      }),
    ).rejects.toThrow("killed");
    const resumed = await trainHeadWithCheckpoints(data(), options, { resume: decodeCheckpoint(saved!) });
    expect(resumed.resumedFrom).toBe(3);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    resumed.history.forEach((h, i) => expect(h.valLoss).toBeCloseTo(straight.history[i]!.valLoss, 4));
    straight.model.dispose();
    resumed.model.dispose();
  });

  it("ignores a checkpoint made for another config", async () => {
    let saved: HeadCheckpoint | null = null;
    await trainHeadWithCheckpoints(data(), { ...options, epochs: 2 }, { onEpoch: async (_r, c) => void (saved = c) });
    const other = await trainHeadWithCheckpoints(data(), { ...options, epochs: 2, fingerprint: "other" }, { resume: saved });
    expect(other.resumedFrom).toBe(0);
    other.model.dispose();
  });
});

describe("oversampling", () => {
  it("tops every class up to the largest, with rows of its own class", () => {
    const m = { x: Float32Array.from([0, 1, 2, 3, 4]), y: Int32Array.from([0, 0, 0, 1, 2]), dim: 1 };
    const o = oversample(m, 3, 1);
    expect(o.y.length).toBe(9);
    for (let i = 0; i < o.y.length; i++) expect(o.y[i]).toBe(m.y[o.x[i]!]);
  });
});

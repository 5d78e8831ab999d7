import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { EXPRESSION_CLASSES } from "@mien/model";
import { nodeModelSources, selectNodeBackend } from "@mien/model/node";

import { decodeRgb } from "./decode.ts";
import { Embedder } from "./embeddings.ts";
import { calibratedZeroShot, confidentLearning, mixProbabilities, outOfFoldProbabilities, stratifiedFolds } from "./mislabel.ts";
import { sharedData } from "./testing/index.ts";

describe("confidentLearning", () => {
  // Three classes, four images each (rows: given label 0, then 1, then 2). By hand:
  // t0 = (0.8 + 0.7 + 0.6 + 0.1) / 4 = 0.55, t1 = (0.7 + 0.6 + 0.5 + 0.4) / 4 = 0.55,
  // t2 = (0.8 + 0.6 + 0.4 + 0.15) / 4 = 0.4875.
  const probs = Float32Array.from([
    0.8,
    0.1,
    0.1,
    0.7,
    0.2,
    0.1,
    0.6,
    0.3,
    0.1,
    0.1,
    0.85,
    0.05, // row 3, labelled 0: the model is sure it is a 1
    0.2,
    0.7,
    0.1,
    0.3,
    0.6,
    0.1,
    0.35,
    0.5,
    0.15, // row 6, labelled 1: below t1, but 0.35 < t0, so no confident alternative
    0.58,
    0.4,
    0.02, // row 7, labelled 1: 0.4 < t1 and 0.58 ≥ t0, yet 0.4 is not below half of t1
    0.1,
    0.1,
    0.8,
    0.2,
    0.2,
    0.6,
    0.5,
    0.1,
    0.4, // row 10, labelled 2: 0.4 < t2, but 0.5 < t0
    0.45,
    0.4,
    0.15, // row 11, labelled 2: far below t2, but no other class reaches its threshold
  ]);
  const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);

  it("sets each class's threshold to the mean probability of its own images", () => {
    const cl = confidentLearning(probs, labels, 3);
    expect(Array.from(cl.thresholds)).toEqual([expect.closeTo(0.55, 6), expect.closeTo(0.55, 6), expect.closeTo(0.4875, 6)]);
    // Rows by their likeliest class at or above its threshold (row 11 has none: 0.45 < t0, 0.4 < t1, 0.15 < t2).
    expect(cl.confidentJoint).toEqual([
      [3, 1, 0],
      [1, 2, 0],
      [0, 0, 2],
    ]);
  });

  it("flags an image only when its label is below its threshold and another class is above its own", () => {
    const cl = confidentLearning(probs, labels, 3);
    expect(Array.from(cl.issue.keys()).filter((i) => cl.issue[i])).toEqual([3, 7]);
    expect(Array.from(cl.suggested)).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 2, 2, 2, 2]);
    expect(cl.selfConfidence[3]).toBeCloseTo(0.1, 6);
    expect(cl.otherConfidence[3]).toBeCloseTo(0.85, 6);
    expect(cl.other[11]).toBe(0);
    expect(cl.suspicion[3]).toBeCloseTo(0.9, 6);
  });

  it("with a given-label factor, keeps only images far below their class's threshold", () => {
    const cl = confidentLearning(probs, labels, 3, { givenFactor: 0.5 });
    // Row 3 (0.1 < 0.5 × 0.55) stays flagged; row 7 (0.4 ≥ 0.275) no longer is.
    expect(Array.from(cl.issue.keys()).filter((i) => cl.issue[i])).toEqual([3]);
    expect(() => confidentLearning(probs, labels, 3, { givenFactor: 0 })).toThrow(/givenFactor/);
    expect(() => confidentLearning(probs, labels, 3, { givenCeiling: 1.5 })).toThrow(/givenCeiling/);
  });

  it("with a ceiling, keeps only images whose label the model gives less than that probability", () => {
    // Row 7's 0.4 is under t1 = 0.55 but not under 0.3; row 3's 0.1 is under both.
    const cl = confidentLearning(probs, labels, 3, { givenCeiling: 0.3 });
    expect(Array.from(cl.issue.keys()).filter((i) => cl.issue[i])).toEqual([3]);
    expect(Array.from(confidentLearning(probs, labels, 3, { givenCeiling: 0.05 }).issue).every((v) => v === 0)).toBe(true);
    expect(() => confidentLearning(probs, Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3]), 3)).toThrow(/outside the 3 classes/);
    expect(() => confidentLearning(probs.subarray(3), labels, 3)).toThrow(/Expected 12×3/);
  });

  it("never suggests a class no image is labelled with", () => {
    // Class 2 has no images (no threshold); the 0 below is sure it is a 2 but is not flagged.
    const cl = confidentLearning(Float32Array.from([0.9, 0.05, 0.05, 0.05, 0.05, 0.9, 0.1, 0.8, 0.1]), Int32Array.from([0, 0, 1]), 3);
    expect(Number.isNaN(cl.thresholds[2])).toBe(true);
    expect(Array.from(cl.issue)).toEqual([0, 0, 0]);
  });

  it("deals every class evenly over the folds", () => {
    const labels = Int32Array.from([...new Array(10).fill(0), ...new Array(5).fill(1)]);
    const fold = stratifiedFolds(labels, 5);
    for (let f = 0; f < 5; f++) {
      expect(labels.filter((y, i) => y === 0 && fold[i] === f)).toHaveLength(2);
      expect(labels.filter((y, i) => y === 1 && fold[i] === f)).toHaveLength(1);
    }
  });
});

describe("mislabel suspicion on real FER2013 faces", () => {
  const CLASSES = { happy: "happiness", surprise: "surprise", sad: "sadness" } as const;
  let embedder: Embedder;
  beforeAll(async () => {
    await selectNodeBackend({ log: () => {} });
    embedder = await Embedder.load(nodeModelSources());
  });

  it("puts deliberately mislabelled faces at the top of the out-of-fold suspicion ranking", async () => {
    const root = join(sharedData(), "fer2013", "val");
    const rows: { folder: keyof typeof CLASSES; file: string }[] = [];
    for (const folder of Object.keys(CLASSES) as (keyof typeof CLASSES)[]) {
      for (const file of readdirSync(join(root, folder)).sort().slice(0, 100)) rows.push({ folder, file });
    }
    const crops = await Promise.all(rows.map((r) => decodeRgb(readFileSync(join(root, r.folder, r.file)))));
    const x = await embedder.embed(crops);
    const truth = Int32Array.from(rows, (r) => EXPRESSION_CLASSES.indexOf(CLASSES[r.folder]));
    // Give every tenth face (30 of 300) the label of another of the three classes.
    const labels = Int32Array.from(truth);
    const present = [...new Set(truth)];
    const flipped = new Set<number>();
    for (let i = 3; i < rows.length; i += 10) {
      labels[i] = present[(present.indexOf(truth[i]!) + 1 + (i % 2)) % present.length]!;
      flipped.add(i);
    }

    const probs = await outOfFoldProbabilities(x, labels, embedder.dim, EXPRESSION_CLASSES.length, { folds: 5 });
    const cl = confidentLearning(probs, labels, EXPRESSION_CLASSES.length);
    const ranked = Array.from(cl.suspicion.keys()).sort((a, b) => cl.suspicion[b]! - cl.suspicion[a]!);
    // Chance would put 10% of flipped faces in any slice of the ranking; FER2013's own labels are
    // noisy too, so some genuine faces rank high as well (measured: 14 of the top 30 are flipped).
    const precisionAt30 = ranked.slice(0, 30).filter((i) => flipped.has(i)).length / 30;
    expect(precisionAt30).toBeGreaterThanOrEqual(0.35);
    // AUROC: how often a flipped face is more suspicious than an unflipped one (0.5 is chance).
    let wins = 0;
    for (const f of flipped) for (let i = 0; i < rows.length; i++) if (!flipped.has(i)) wins += cl.suspicion[f]! > cl.suspicion[i]! ? 1 : 0;
    const auroc = wins / (flipped.size * (rows.length - flipped.size));
    expect(auroc).toBeGreaterThan(0.8); // measured 0.89
    // Where confident learning calls a flipped face an issue, it mostly suggests the face's true class.
    const caught = [...flipped].filter((i) => cl.issue[i]);
    expect(caught.length).toBeGreaterThanOrEqual(9); // measured 11 of 30, all with the true class suggested
    expect(caught.filter((i) => cl.suggested[i] === truth[i]).length / caught.length).toBeGreaterThan(0.7);
    // Embedding 300 faces and five folds of heads: about 35 s alone, over a minute on a busy 2-core machine.
  }, 180_000);
});

describe("combining out-of-fold and zero-shot probabilities", () => {
  it("averages known classes and defers to the out-of-fold model on classes the zero-shot model lacks", () => {
    // Class 2 is unknown to the zero-shot model. Row 0: out-of-fold [0.2, 0.3, 0.5], zero-shot [0.9, 0.1, 0].
    // Zero-shot shrinks to 0.5 of the row: [0.45, 0.05, 0.5]; the mean is [0.325, 0.175, 0.5].
    const p = mixProbabilities(
      Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.4, 0]),
      [{ probs: Float32Array.from([0.9, 0.1, 0, 0.5, 0.5, 0]), known: [true, true, false], weight: 0.5 }],
      3,
    );
    expect(Array.from(p)).toEqual([
      expect.closeTo(0.325, 6),
      expect.closeTo(0.175, 6),
      expect.closeTo(0.5, 6),
      expect.closeTo(0.55, 6),
      expect.closeTo(0.45, 6),
      0,
    ]);
  });

  it("weighs several sources, and a row a source lacks keeps the others' proportions", () => {
    // Out-of-fold [0.5, 0.5, 0]; zero-shot (weight 0.25) [1, 0, 0]; reference (weight 0.5) [0, 1, 0].
    // Row 0 has all three: 0.25·0.5 + 0.25·1 + 0 = 0.375 and 0.125 + 0 + 0.5 = 0.625.
    // Row 1 lacks the reference: out-of-fold and zero-shot at 0.25 / 0.5 each → 0.75 and 0.25.
    const oof = Float32Array.from([0.5, 0.5, 0, 0.5, 0.5, 0]);
    const known = [true, true, true];
    const p = mixProbabilities(
      oof,
      [
        { probs: Float32Array.from([1, 0, 0, 1, 0, 0]), known, weight: 0.25 },
        { probs: Float32Array.from([0, 1, 0, 0, 1, 0]), known, weight: 0.5, present: Uint8Array.from([1, 0]) },
      ],
      3,
    );
    expect(Array.from(p)).toEqual([0.375, 0.625, 0, 0.75, 0.25, 0].map((v) => expect.closeTo(v, 6)));
    expect(() => mixProbabilities(oof, [{ probs: oof, known, weight: 1 }], 3)).toThrow(/sum below 1/);
  });

  it("softens an over-confident zero-shot model and leaves its missing classes at 0", () => {
    // Always 90% sure, right half the time: the fitted temperature softens it (T > 1).
    const face = Float32Array.from([0.9, 0.1, 0, 0.9, 0.1, 0, 0.1, 0.9, 0, 0.1, 0.9, 0]);
    const labels = Int32Array.from([0, 1, 1, 0]);
    const { probs, temperature } = calibratedZeroShot(face, face, labels, 3, [true, true, false]);
    expect(temperature).toBeGreaterThan(1);
    expect(probs[0]).toBeLessThan(0.9);
    expect(probs[0]! + probs[1]!).toBeCloseTo(1, 6);
    expect(probs[2]).toBe(0);
  });
});

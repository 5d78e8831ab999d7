import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXPRESSION_CLASSES } from "@mien/model";
import { nodeModelSources, selectNodeBackend } from "@mien/model/node";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeRgb } from "./decode.ts";
import { Embedder } from "./embeddings.ts";
import { confidentLearning, outOfFoldProbabilities, stratifiedFolds } from "./mislabel.ts";
import { sharedData } from "./testing.ts";

describe("confidentLearning", () => {
  it("flags an image when its likeliest class reaches that class's threshold and is not its label", () => {
    // Class 0 is confident (~0.9 when right); class 1 is rare and hesitant (~0.4 when right).
    const probs = Float32Array.from([
      0.9, 0.1, 0.92, 0.08, 0.88, 0.12, // three good 0s
      0.55, 0.45, // a 0 with 0.45 ≥ t1 for class 1, but the model still prefers 0: not an issue
      0.62, 0.38, 0.58, 0.42, // two 1s at 0.38 and 0.42
      0.95, 0.05, // a 1 that the model firmly calls 0: an issue
    ]);
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1]);
    const cl = confidentLearning(probs, labels, 2);
    expect(cl.thresholds[0]).toBeCloseTo((0.9 + 0.92 + 0.88 + 0.55) / 4, 5);
    expect(cl.thresholds[1]).toBeCloseTo((0.38 + 0.42 + 0.05) / 3, 5);
    expect(Array.from(cl.issue)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(cl.suggested)).toEqual([0, 0, 0, 0, 1, 1, 0]);
    expect(cl.suspicion[6]).toBeCloseTo(0.95, 5);
    // The confident joint itself still counts image 3 as a confident 1.
    expect(cl.confidentJoint).toEqual([
      [3, 1],
      [1, 2],
    ]);
    expect(() => confidentLearning(probs, Int32Array.from([0, 2, 0, 0, 1, 1, 1]), 2)).toThrow(/outside the 2 classes/);
  });

  it("does not send faces to a rare class whose threshold is tiny", () => {
    // Class 2 has two images, both of which the model firmly puts elsewhere (t2 = 0.02); a 0 just
    // under t0 with p2 = 0.03 clears t2, but its likeliest class is still 0.
    const probs = Float32Array.from([
      0.95, 0.04, 0.01, 0.93, 0.05, 0.02, 0.7, 0.27, 0.03, // 0s (t0 ≈ 0.86)
      0.1, 0.88, 0.02, 0.05, 0.94, 0.01, // 1s
      0.9, 0.08, 0.02, 0.03, 0.95, 0.02, // 2s that look like a 0 and a 1
    ]);
    const cl = confidentLearning(probs, Int32Array.from([0, 0, 0, 1, 1, 2, 2]), 3);
    expect(cl.thresholds[2]).toBeCloseTo(0.02, 5);
    expect(cl.confidentJoint[0]![2]).toBe(1);
    expect(cl.issue[2]).toBe(0);
    expect(cl.suggested[2]).toBe(0);
    // The two "2"s are confidently 0 and 1 by the model: both issues.
    expect(Array.from(cl.suggested.slice(5))).toEqual([0, 1]);
  });

  it("suggests nothing new when no class reaches its threshold", () => {
    // Images 1 and 2 (labelled 0) reach neither threshold (t0 ≈ 0.67, t1 = 0.65): no confident alternative.
    const probs = Float32Array.from([0.9, 0.1, 0.5, 0.5, 0.6, 0.4, 0.35, 0.65]);
    const cl = confidentLearning(probs, Int32Array.from([0, 0, 0, 1]), 2);
    expect(cl.thresholds[0]).toBeCloseTo(0.6667, 3);
    expect(Array.from(cl.suggested)).toEqual([0, 0, 0, 1]);
    expect(Array.from(cl.issue)).toEqual([0, 0, 0, 0]);
    expect(cl.confidentJoint).toEqual([
      [1, 0],
      [0, 1],
    ]);
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
  });
});

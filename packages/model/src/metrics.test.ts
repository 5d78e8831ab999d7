import { describe, expect, it } from "vitest";

import { addClassBias, classShares, expectedCalibrationError, fitPriorStrength, fitTemperature, priorBias, report, softmaxWithTemperature } from "./metrics.ts";

describe("report", () => {
  it("computes accuracy, macro-F1 and NLL", () => {
    const probs = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7];
    const r = report(probs, [0, 1, 1, 1], 2);
    expect(r.accuracy).toBe(0.75);
    // class 0: tp 1, fp 1, fn 0 → 2/3; class 1: tp 2, fp 0, fn 1 → 0.8
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 6);
    expect(r.nll).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 6);
  });

  it("ECE is zero when confidence matches accuracy", () => {
    // Two predictions at 0.5 confidence, one right, one wrong.
    expect(expectedCalibrationError([0.5, 0.5, 0.5, 0.5], [0, 1], 2)).toBeCloseTo(0, 9);
    expect(expectedCalibrationError([1, 0, 1, 0], [1, 1], 2)).toBeCloseTo(1, 9);
  });
});

describe("fitTemperature", () => {
  it("recovers the temperature that made over-confident logits", () => {
    // Labels drawn from softmax(z); the model reports 3·z, so the best T is about 3.
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const k = 3;
    const n = 4000;
    const logits = new Float32Array(n * k);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const z = [random() * 4 - 2, random() * 4 - 2, random() * 4 - 2];
      const p = softmaxWithTemperature(z, k, 1);
      const u = random();
      labels[i] = u < p[0]! ? 0 : u < p[0]! + p[1]! ? 1 : 2;
      z.forEach((v, j) => (logits[i * k + j] = 3 * v));
    }
    expect(fitTemperature(logits, labels, k)).toBeGreaterThan(2.5);
    expect(fitTemperature(logits, labels, k)).toBeLessThan(3.5);
  });
});

describe("prior correction", () => {
  it("smooths the training shares and turns them into offsets that favour rare classes", () => {
    const shares = classShares([0, 0, 0, 0, 0, 0, 1, 1], 3);
    // (6 + 1, 2 + 1, 0 + 1) / (8 + 3): a class with no training image keeps a finite prior.
    expect(shares.map((s) => s * 11)).toEqual([7, 3, 1].map((c) => expect.closeTo(c, 9)));
    const bias = priorBias(shares, 0.5);
    expect(bias[2]).toBeGreaterThan(bias[1]!);
    expect(bias[1]).toBeGreaterThan(bias[0]!);
    expect(bias[0]).toBeCloseTo(-0.5 * Math.log(7 / 11), 9);
    expect(priorBias(shares, 0)).toEqual([0, 0, 0].map(() => expect.closeTo(0, 12)));
    expect(Array.from(addClassBias([1, 2, 3, 4], 2, [10, -1]))).toEqual([11, 1, 13, 3]);
    expect(() => addClassBias([1, 2, 3, 4], 2, [1, 2, 3])).toThrow(/3 offsets for 2 classes/);
  });

  // A model that learnt a 9 : 1 prior: its logit for the rare class 1 is low by ln 9 on every image,
  // so it rarely names class 1 even when the evidence is balanced.
  const skewed = () => {
    let seed = 11;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 2000;
    const logits = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = random() < 0.3 ? 1 : 0;
      const evidence = (labels[i] === 1 ? 1 : -1) * 1.5 + (random() - 0.5) * 4;
      logits[i * 2] = 0;
      logits[i * 2 + 1] = evidence - Math.log(9);
    }
    return { logits, labels, shares: [0.9, 0.1] };
  };

  it("fits a strength that recovers the rare class's recall, and chooses 0 where the model is balanced", () => {
    const { logits, labels, shares } = skewed();
    const strength = fitPriorStrength(logits, labels, 2, shares);
    expect(strength).toBeGreaterThanOrEqual(0.3);
    const before = report(softmaxWithTemperature(logits, 2), labels, 2);
    const after = report(softmaxWithTemperature(addClassBias(logits, 2, priorBias(shares, strength)), 2), labels, 2);
    expect(after.macroF1).toBeGreaterThan(before.macroF1 + 0.05);
    // The same images without the learnt prior: nothing to correct, so no correction.
    const balanced = Float32Array.from(logits, (v, i) => (i % 2 === 1 ? v + Math.log(9) : v));
    const labelsBalanced = Int32Array.from(labels);
    expect(fitPriorStrength(balanced, labelsBalanced, 2, [0.5, 0.5])).toBe(0);
  });

  it("refuses a strength that costs more accuracy than allowed", () => {
    // Val has the training prior (1 in 10 is class 1) and the model is right to lean on it: any
    // correction trades accuracy for the rare class's F1.
    let seed = 5;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 3000;
    const logits = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = random() < 0.1 ? 1 : 0;
      // Evidence e ~ N(±1, 1): the log-likelihood ratio is 2e, so this logit is the Bayes-optimal one.
      const e = (labels[i] === 1 ? 1 : -1) + Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
      logits[i * 2 + 1] = 2 * e - Math.log(9);
    }
    const shares = [0.9, 0.1];
    const scored = (s: number) => report(softmaxWithTemperature(addClassBias(logits, 2, priorBias(shares, s)), 2), labels, 2);
    const loose = fitPriorStrength(logits, labels, 2, shares, 1);
    expect(loose).toBeGreaterThan(0);
    expect(scored(loose).macroF1).toBeGreaterThan(scored(0).macroF1);
    expect(scored(loose).accuracy).toBeLessThan(scored(0).accuracy);
    // With no accuracy to spare the fit keeps to strengths as accurate as none.
    const strict = fitPriorStrength(logits, labels, 2, shares, 0);
    expect(strict).toBeLessThan(loose);
    expect(scored(strict).accuracy).toBeGreaterThanOrEqual(scored(0).accuracy);
  });
});

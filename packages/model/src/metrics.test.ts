import { describe, expect, it } from "vitest";

import { expectedCalibrationError, fitTemperature, report, softmaxWithTemperature } from "./metrics.ts";

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

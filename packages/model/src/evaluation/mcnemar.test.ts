import { describe, expect, it } from "vitest";

import { compareModels, comparisonSentence, scoreModel } from "./compare.ts";
import { mcnemarExact } from "./mcnemar.ts";

/** The same p by exact integer arithmetic: 2 · Σ_{i ≤ min} C(n, i) / 2^n, capped at 1. */
function exactByBigInt(b01: number, b10: number): number {
  const n = BigInt(b01 + b10);
  const m = Math.min(b01, b10);
  let c = 1n;
  let sum = 0n;
  for (let i = 0n; i <= BigInt(m); i++) {
    sum += c;
    c = (c * (n - i)) / (i + 1n);
  }
  // Scale before dividing so the float keeps its precision.
  const scaled = (2n * sum * 10n ** 18n) / 2n ** n;
  return Math.min(1, Number(scaled) / 1e18);
}

describe("McNemar's exact test", () => {
  it("matches hand-computed binomial tails", () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(1, 5)).toBeCloseTo(14 / 64, 12); // 2 · (1 + 6) / 2^6
    expect(mcnemarExact(5, 1)).toBeCloseTo(14 / 64, 12);
    expect(mcnemarExact(0, 10)).toBeCloseTo(2 / 1024, 12);
    expect(mcnemarExact(3, 12)).toBeCloseTo((2 * 576) / 32768, 12); // 1 + 15 + 105 + 455
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 1)).toBe(1);
  });

  it("agrees with integer arithmetic for large counts", () => {
    for (const [x, y] of [
      [40, 70],
      [100, 150],
      [500, 430],
      [1200, 1310],
      [2, 300],
    ] as const) {
      const p = mcnemarExact(x, y);
      const exact = exactByBigInt(x, y);
      expect(Math.abs(p - exact)).toBeLessThanOrEqual(1e-9 * Math.max(exact, 1e-300) + 1e-15);
    }
    // 100 vs 150: a textbook significant difference (p ≈ 0.0019).
    expect(mcnemarExact(100, 150)).toBeGreaterThan(0.0015);
    expect(mcnemarExact(100, 150)).toBeLessThan(0.0025);
  });

  it("refuses counts that are not non-negative integers", () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(/non-negative integers/);
    expect(() => mcnemarExact(1.5, 2)).toThrow(/non-negative integers/);
  });
});

describe("compareModels", () => {
  const labels = ["happiness", "happiness", "sadness", "sadness", "fear", "contempt"] as const;
  // A: 3 classes; B: 4 classes incl. contempt. Rows in each model's class order.
  const a = {
    classes: ["fear", "happiness", "sadness"] as const,
    probs: [0.1, 0.8, 0.1, 0.6, 0.3, 0.1, 0.1, 0.1, 0.8, 0.2, 0.7, 0.1, 0.7, 0.2, 0.1, 0.3, 0.3, 0.4],
  };
  const b = {
    classes: ["contempt", "fear", "happiness", "sadness"] as const,
    probs: [0, 0.1, 0.8, 0.1, 0, 0.1, 0.8, 0.1, 0, 0.2, 0.1, 0.7, 0.5, 0.3, 0.1, 0.1, 0, 0.1, 0.8, 0.1, 0.9, 0, 0, 0.1],
  };

  it("a model compared with itself: b01 = b10 = 0 and p = 1", () => {
    const c = compareModels(labels, a, a);
    expect(c.mcnemar).toEqual({ b01: 0, b10: 0, p: 1 });
    expect(c.deltaAccuracy).toBe(0);
    expect(c.flippedToRight).toEqual([]);
  });

  it("scores only shared classes, reports the images left out, and finds the flips", () => {
    const c = compareModels(labels, a, b);
    expect(c.classes).toEqual(["fear", "happiness", "sadness"]);
    expect(c.onlyB).toEqual(["contempt"]);
    expect(c.excluded).toEqual({ contempt: 1 });
    expect(c.n).toBe(5);
    // A: right on 0, 2, 4. B, contempt dropped and renormalised: right on 0, 1, 2 (row 3 reads fear, row 4 happiness).
    expect(c.flippedToRight).toEqual([1]);
    expect(c.flippedToWrong).toEqual([4]);
    expect(c.mcnemar).toEqual({ b01: 1, b10: 1, p: 1 });
    expect(c.a.accuracy).toBe(0.6);
    expect(c.b.accuracy).toBe(0.6);
  });

  it("excludes a set's classes the model does not know, never scoring them as wrong", () => {
    const s = scoreModel(a, labels);
    expect(s.excluded).toEqual({ contempt: 1 });
    expect(s.report.n).toBe(5);
  });

  it("says plainly which is better and how sure", () => {
    expect(comparisonSentence({ n: 1000, deltaAccuracy: 0.05, mcnemar: { b01: 60, b10: 10, p: mcnemarExact(60, 10) } })).toMatch(
      /^B is better than A on this set; a difference this large by chance has p < 0.001\.$/,
    );
    expect(comparisonSentence({ n: 100, deltaAccuracy: -0.01, mcnemar: { b01: 4, b10: 5, p: 1 } })).toMatch(
      /^A gets 1 more of 100 images right than B, but .*no clear winner\.$/,
    );
  });
});

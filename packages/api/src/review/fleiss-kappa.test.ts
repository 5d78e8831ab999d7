import { describe, expect, it } from "vitest";

import { fleissKappa, kappaStatsOf, mergeKappaStats } from "./fleiss-kappa.ts";

// The worked example in Fleiss (1971) as reproduced in most texts: 10 subjects, 14 raters, 5 categories.
const FLEISS_EXAMPLE = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

describe("fleissKappa", () => {
  it("reproduces the textbook example (P̄ = 0.378, P̄e = 0.213, κ = 0.210)", () => {
    const k = fleissKappa(kappaStatsOf(FLEISS_EXAMPLE));
    expect(k.observed).toBeCloseTo(0.378, 3);
    expect(k.expected).toBeCloseTo(0.213, 3);
    expect(k.kappa).toBeCloseTo(0.21, 3);
  });

  it("is 1 for perfect agreement across categories and negative for systematic disagreement", () => {
    expect(
      fleissKappa(
        kappaStatsOf([
          [2, 0],
          [0, 2],
          [2, 0],
        ]),
      ).kappa,
    ).toBeCloseTo(1, 10);
    expect(
      fleissKappa(
        kappaStatsOf([
          [1, 1],
          [1, 1],
        ]),
      ).kappa,
    ).toBeCloseTo(-1, 10);
  });

  it("allows a different number of raters per subject and skips subjects rated once", () => {
    const stats = kappaStatsOf([
      [3, 0],
      [1, 1],
      [0, 2],
      [1, 0],
    ]);
    expect(stats.subjects).toBe(3);
    // P_i = 1, 0, 1 → P̄ = 2/3; p = (4/7, 3/7) → P̄e = 25/49.
    const k = fleissKappa(stats);
    expect(k.observed).toBeCloseTo(2 / 3, 10);
    expect(k.expected).toBeCloseTo(25 / 49, 10);
    expect(k.kappa).toBeCloseTo((2 / 3 - 25 / 49) / (1 - 25 / 49), 10);
  });

  it("is undefined with no subjects or when every rating is the same", () => {
    expect(fleissKappa(kappaStatsOf([]))).toEqual({ kappa: null, observed: null, expected: null });
    expect(fleissKappa(kappaStatsOf([[2], [3]]))).toMatchObject({ kappa: null, observed: 1, expected: 1 });
  });

  it("merges per-class statistics into the overall ones", () => {
    const a = kappaStatsOf(FLEISS_EXAMPLE.slice(0, 4));
    const b = kappaStatsOf(FLEISS_EXAMPLE.slice(4));
    expect(fleissKappa(mergeKappaStats([a, b])).kappa).toBeCloseTo(fleissKappa(kappaStatsOf(FLEISS_EXAMPLE)).kappa!, 12);
  });
});

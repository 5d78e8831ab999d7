import { describe, expect, it } from "vitest";

import { ProbabilitySmoother } from "./smoothing.ts";

describe("ProbabilitySmoother", () => {
  it("starts at the first frame, then moves a time-constant's share of the way per step", () => {
    const s = new ProbabilitySmoother(300);
    expect(s.update([1, 0], 0)).toEqual([1, 0]);
    const next = s.update([0, 1], 300);
    expect(next[1]).toBeCloseTo(1 - Math.exp(-1), 6);
    expect(next[0]! + next[1]!).toBeCloseTo(1, 9);
  });

  it("smooths the same amount per second at any frame rate", () => {
    const at = (fps: number) => {
      const s = new ProbabilitySmoother(300);
      s.update([1, 0], 0);
      let out: number[] = [];
      for (let t = 1000 / fps; t <= 600 + 1e-9; t += 1000 / fps) out = s.update([0, 1], t);
      return out[1]!;
    };
    expect(at(10)).toBeCloseTo(at(60), 6);
  });

  it("damps a single odd frame", () => {
    const s = new ProbabilitySmoother(300);
    for (let t = 0; t <= 1000; t += 33) s.update([0.9, 0.1], t);
    const blip = s.update([0, 1], 1033);
    // The odd frame moves the readout by about a seventh; the top class does not flip.
    expect(blip[0]).toBeGreaterThan(0.75);
  });

  it("starts afresh after a gap without a face, and after time runs backwards", () => {
    const s = new ProbabilitySmoother(300, 1000);
    s.update([1, 0], 0);
    expect(s.update([0, 1], 1500)).toEqual([0, 1]);
    expect(s.update([1, 0], 100)).toEqual([1, 0]);
  });
});

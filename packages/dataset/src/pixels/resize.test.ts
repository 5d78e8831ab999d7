import { describe, expect, it } from "vitest";

import { resizeGray } from "./resize.ts";

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;

describe("resizeGray", () => {
  it("keeps a flat image flat, shrinking and growing", () => {
    const flat = new Uint8Array(37 * 23 * 3).fill(200);
    for (const [w, h] of [
      [10, 7],
      [64, 64],
      [37, 23],
      [100, 50],
    ] as const) {
      const out = resizeGray(flat, 37, 23, 3, w, h);
      expect(out).toHaveLength(w * h);
      for (const v of out) expect(v).toBeCloseTo(200, 6);
    }
  });

  it("averages areas when shrinking (the mean is kept)", () => {
    const src = Float64Array.from({ length: 160 * 160 }, (_, i) => (i * 7919) % 256);
    expect(mean(resizeGray(src, 160, 160, 1, 64, 64))).toBeCloseTo(mean(src), 6);
    expect(mean(resizeGray(src, 160, 160, 1, 32, 32))).toBeCloseTo(mean(src), 6);
  });

  it("turns colour into Rec. 601 luma and ignores alpha", () => {
    const rgba = new Uint8Array(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([255, 0, 100, i * 10], i * 4);
    expect(resizeGray(rgba, 4, 4, 4, 2, 2)[0]).toBeCloseTo(0.299 * 255 + 0.114 * 100, 6);
    const greyAlpha = new Uint8Array(4 * 4 * 2).map((_, i) => (i % 2 ? 7 : 90));
    expect(resizeGray(greyAlpha, 4, 4, 2, 1, 1)[0]).toBeCloseTo(90, 6);
  });

  it("does not leak one call's pixels into the next (scratch buffers are reused)", () => {
    resizeGray(new Uint8Array(300 * 300).fill(255), 300, 300, 1, 64, 64);
    const out = resizeGray(new Uint8Array(100 * 100), 100, 100, 1, 64, 64);
    expect(Math.max(...out)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { fitInside, resizePixels, toBytes } from "./resize.ts";

describe("resizePixels", () => {
  it("keeps a flat image flat, shrinking and growing", () => {
    const flat = new Uint8Array(37 * 23 * 3).fill(200);
    for (const [w, h] of [[10, 7], [64, 64], [37, 23], [100, 50]] as const) {
      const out = resizePixels(flat, 37, 23, 3, w, h);
      expect(out).toHaveLength(w * h * 3);
      for (const v of out) expect(v).toBeCloseTo(200, 6);
    }
  });

  it("averages areas when shrinking (the mean is kept)", () => {
    const src = Float64Array.from({ length: 160 * 160 }, (_, i) => (i * 7919) % 256);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(resizePixels(src, 160, 160, 1, 64, 64))).toBeCloseTo(mean(src), 6);
    expect(mean(resizePixels(src, 160, 160, 1, 32, 32))).toBeCloseTo(mean(src), 6);
  });

  it("keeps channels apart", () => {
    const rgb = new Uint8Array(8 * 8 * 3);
    for (let i = 0; i < 64; i++) rgb.set([255, 0, 100], i * 3);
    expect([...toBytes(resizePixels(rgb, 8, 8, 3, 3, 3)).subarray(0, 3)]).toEqual([255, 0, 100]);
  });
});

describe("fitInside", () => {
  it("shrinks the longer side to the box and never enlarges", () => {
    expect(fitInside(160, 160, 128)).toEqual({ width: 128, height: 128 });
    expect(fitInside(400, 100, 128)).toEqual({ width: 128, height: 32 });
    expect(fitInside(48, 48, 128)).toEqual({ width: 48, height: 48 });
  });
});

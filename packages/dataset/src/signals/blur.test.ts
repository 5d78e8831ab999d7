import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { analyseImage } from "../image/analyse.ts";
import { faces } from "../testing/index.ts";
import { blurScore } from "./blur.ts";
import { contrast } from "./contrast.ts";

describe("blur score on real faces", () => {
  const sample = faces(6, 20);

  it("drops for a blurred copy", async () => {
    const ratios: number[] = [];
    for (const { bytes } of sample) {
      const sharpScore = (await analyseImage(bytes)).blurScore;
      const blurred = (await analyseImage(await sharp(bytes).blur(2).jpeg({ quality: 95 }).toBuffer())).blurScore;
      expect(blurred).toBeLessThan(sharpScore * 0.8); // already-soft photos lose less
      ratios.push(blurred / sharpScore);
    }
    expect(ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]).toBeLessThan(0.5);
  });

  it("is comparable across image sizes", async () => {
    for (const { bytes } of sample) {
      const original = (await analyseImage(bytes)).blurScore;
      const bigger = (await analyseImage(await sharp(bytes).resize(480, 480, { kernel: "lanczos3" }).png().toBuffer())).blurScore;
      expect(bigger / original).toBeGreaterThan(0.7);
      expect(bigger / original).toBeLessThan(1.3);
    }
  });

  it("is zero for a flat image", () => {
    expect(blurScore(new Float64Array(64 * 64).fill(90), 64, 64)).toBeCloseTo(0, 9);
  });
});

describe("contrast", () => {
  it("is the standard deviation of grey levels", () => {
    expect(contrast(new Float64Array([0, 0, 255, 255]))).toBeCloseTo(127.5, 6);
    expect(contrast(new Float64Array(100).fill(42))).toBe(0);
  });

  it("is lower for a washed-out copy of a real face", async () => {
    const { bytes } = faces(1, 30)[0]!;
    const normal = (await analyseImage(bytes)).contrast;
    const washed = (await analyseImage(await sharp(bytes).linear(0.3, 150).jpeg({ quality: 95 }).toBuffer())).contrast;
    expect(normal).toBeGreaterThan(20);
    expect(washed).toBeLessThan(normal * 0.45);
  });
});

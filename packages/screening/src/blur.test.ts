import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { analyseImage } from "@mien/dataset";
import { unclearCauses } from "./blur.ts";
import { corpusImage } from "./testing.ts";
import { THRESHOLDS } from "./thresholds.ts";

describe("blur and low information on real images", () => {
  it("flags a blurred copy of a sharp face as blurry and leaves the original alone", async () => {
    const original = corpusImage("Aaron_Eckhart_0001.jpg");
    const blurred = await sharp(original).blur(4).jpeg({ quality: 90 }).toBuffer();
    const [a, b] = await Promise.all([analyseImage(original), analyseImage(blurred)]);
    expect(a.blurScore).toBeGreaterThan(THRESHOLDS.blurScore * 3);
    expect(b.blurScore).toBeLessThan(THRESHOLDS.blurScore);
    expect(unclearCauses({ ...a, faceCount: 1 })).toEqual([]);
    expect(unclearCauses({ ...b, faceCount: 1 })).toEqual(["blurry"]);
  });

  it("flags a nearly flat copy as low-information, and several faces as unclear", async () => {
    const original = corpusImage("Amber_Frey_0001.jpg");
    // Squeeze the grey levels into a narrow band: the face is still there, but barely.
    const flat = await sharp(original).greyscale().linear(0.1, 115).jpeg({ quality: 95 }).toBuffer();
    const f = await analyseImage(flat);
    expect(f.contrast).toBeLessThan(THRESHOLDS.contrast);
    expect(unclearCauses({ ...f, faceCount: 1 })).toContain("flat");
    expect(unclearCauses({ blurScore: 400, contrast: 45, faceCount: 2 })).toEqual(["several_faces"]);
    expect(unclearCauses({ blurScore: 400, contrast: 45, faceCount: null })).toEqual([]);
  });
});

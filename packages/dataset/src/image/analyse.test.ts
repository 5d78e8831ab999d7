import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { hammingDistance } from "../signals/phash.ts";
import { faces } from "../testing/index.ts";
import { analyseImage, OWN_THUMB_SIDE } from "./analyse.ts";
import { simpleJpegSize } from "./simple-jpeg.ts";

const sample = faces(6, 200);

describe("analyseImage", () => {
  it("decodes small plain JPEGs in JS to the same signals as sharp, and keeps them as their own thumbnail", async () => {
    for (const { bytes } of sample) {
      expect(simpleJpegSize(bytes)).not.toBeNull();
      const js = await analyseImage(bytes);
      // The same pixels as a PNG take the sharp route.
      const viaSharp = await analyseImage(await sharp(bytes).png().toBuffer());
      expect(js.thumbnail).toBeNull();
      expect([js.width, js.height]).toEqual([viaSharp.width, viaSharp.height]);
      expect(hammingDistance(js.phash, viaSharp.phash)).toBeLessThanOrEqual(2);
      expect(js.blurScore).toBeCloseTo(viaSharp.blurScore, -1);
      expect(js.contrast).toBeCloseTo(viaSharp.contrast, 0);
    }
  });

  it("makes a 128 px WebP thumbnail for anything larger", async () => {
    const large = await sharp(sample[0]!.bytes)
      .resize(OWN_THUMB_SIDE + 100, OWN_THUMB_SIDE + 100)
      .jpeg()
      .toBuffer();
    const a = await analyseImage(large);
    expect(await sharp(a.thumbnail!).metadata()).toMatchObject({ format: "webp", width: 128, height: 128 });
  });

  it("leaves EXIF-rotated and truncated JPEGs to sharp", async () => {
    const rotated = await sharp(await sharp(sample[1]!.bytes).extract({ left: 0, top: 0, width: 160, height: 100 }).toBuffer())
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(simpleJpegSize(rotated)).toBeNull();
    const a = await analyseImage(rotated);
    expect([a.width, a.height]).toEqual([100, 160]); // as displayed
    expect(a.thumbnail).not.toBeNull(); // a rotated original cannot stand in for an upright thumbnail

    const truncated = sample[2]!.bytes.subarray(0, sample[2]!.bytes.length >> 1);
    expect(simpleJpegSize(truncated)).toBeNull();
    await expect(analyseImage(truncated)).rejects.toMatchObject({ reason: "corrupt-image" });
  });
});

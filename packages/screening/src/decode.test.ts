import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { cropRgb, decodeRgb } from "./decode.ts";

/** A 7×5 PNG whose every pixel is distinct, so a shifted or transposed crop cannot pass. */
async function gradientPng(): Promise<Buffer> {
  const width = 7;
  const height = 5;
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([i * 7, 255 - i * 5, (i * 37) % 256], i * 3);
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

describe("cropRgb", () => {
  it("cuts the same pixels out of a decoded image as decoding with sharp's extract", async () => {
    const png = await gradientPng();
    const region = { left: 2, top: 1, width: 4, height: 3 };
    const whole = await decodeRgb(png);
    const extracted = await decodeRgb(png, region);
    const cropped = cropRgb(whole, region);
    expect(cropped.width).toBe(4);
    expect(cropped.height).toBe(3);
    expect(Array.from(cropped.data)).toEqual(Array.from(extracted.data));
    expect(Array.from(cropRgb(whole, { left: 0, top: 0, width: 7, height: 5 }).data)).toEqual(Array.from(whole.data));
  });

  it("refuses a region outside the image", async () => {
    const whole = await decodeRgb(await gradientPng());
    expect(() => cropRgb(whole, { left: 5, top: 0, width: 3, height: 2 })).toThrow(/not inside the 7×5 image/);
    expect(() => cropRgb(whole, { left: 0, top: -1, width: 2, height: 2 })).toThrow(/not inside/);
    expect(() => cropRgb(whole, { left: 0, top: 0, width: 0, height: 2 })).toThrow(/not inside/);
  });
});

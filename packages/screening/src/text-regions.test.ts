import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { corpusImage } from "./testing/index.ts";
import { lineShape, planesOf, proposeLines, type TextLine } from "./text-regions.ts";

/** The planes at 320 px, as ocr.ts proposes lines. */
async function planes(bytes: Buffer) {
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .toColourspace("srgb")
    .resize({ width: 320, height: 320, fit: "inside", kernel: "cubic" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return planesOf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height);
}

async function captioned(face: Buffer): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><text x="50%" y="140" text-anchor="middle"
    font-family="DejaVu Sans" font-weight="bold" font-size="16" fill="white" stroke="black" stroke-width="1">SO HAPPY</text></svg>`;
  return sharp(face)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

const shapes = async (bytes: Buffer) => {
  const p = await planes(bytes);
  return proposeLines(p, undefined, [28, 60]).map((l: TextLine) => ({ line: l, shape: lineShape(l, l.key.startsWith("chroma") ? p.chroma : p.grey) }));
};

describe("text-line proposals and their shape", () => {
  const faces = ["Aaron_Eckhart_0001.jpg", "Bill_Clinton_0001.jpg", "Colin_Powell_0099.jpg"];

  it("finds a rendered caption as one line of glyphs on a common baseline, its ink even and in strong contrast", async () => {
    for (const name of faces) {
      const found = await shapes(await captioned(corpusImage(name)));
      // The caption's letters sit at y ≈ 128–140 of 160, i.e. 256–280 at 320 px.
      const caption = found.find(({ line }) => line.key === "grey-bright" && line.y > 240 && line.width > 150);
      expect(caption, `${name}: ${found.map(({ line }) => `${line.key}@${line.x},${line.y} ${line.width}×${line.height}`).join(", ")}`).toBeDefined();
      expect(caption!.line.chars).toBeGreaterThanOrEqual(6);
      expect(caption!.line.glyphs).toHaveLength(caption!.line.chars);
      expect(caption!.shape.baselineSpread).toBeLessThan(0.1);
      expect(caption!.shape.inkSpread).toBeLessThan(0.3);
      expect(caption!.shape.inkContrast).toBeGreaterThan(100);
    }
  });

  it("gives the edges of a plain face (hair, eyes, collar) no such line", async () => {
    for (const name of faces) {
      for (const { line, shape } of await shapes(corpusImage(name))) {
        const captionLike = line.chars >= 6 && shape.inkContrast > 100 && shape.inkSpread < 0.3;
        expect(captionLike, `${name}: ${line.key}@${line.x},${line.y} ${JSON.stringify(shape)}`).toBe(false);
      }
    }
  });
});

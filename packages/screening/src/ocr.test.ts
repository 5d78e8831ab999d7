import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readingOf, TextReader } from "./ocr.ts";
import { corpusImage } from "./testing.ts";
import { THRESHOLDS } from "./thresholds.ts";

/** Draws `text` across the lower face, white with a dark outline, as captions and memes do. */
async function withCaption(face: Buffer, text: string): Promise<Buffer> {
  const { width = 160, height = 160 } = await sharp(face).metadata();
  const size = Math.round(width / 9);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <text x="50%" y="${Math.round(height * 0.62)}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold"
      font-size="${size}" fill="white" stroke="black" stroke-width="1">${text}</text></svg>`;
  return sharp(face).composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 90 }).toBuffer();
}

let reader: TextReader;
beforeAll(async () => {
  reader = await TextReader.create(1);
});
afterAll(async () => {
  await reader?.close();
});

describe("text over the face (tesseract.js, offline English data)", () => {
  it("reads a caption drawn over real faces and scores it above the flag threshold", async () => {
    for (const [name, caption, word] of [
      ["Aaron_Eckhart_0001.jpg", "BREAKING", /BREAKING/],
      ["Bill_Clinton_0001.jpg", "so happy", /happy/],
      ["Amber_Frey_0001.jpg", "HELLO", /HELLO/],
    ] as const) {
      const reading = await reader.read(await withCaption(corpusImage(name), caption));
      expect(reading.text).toMatch(word);
      expect(reading.score).toBeGreaterThanOrEqual(THRESHOLDS.ocrScore);
    }
  });

  it("finds no text on the same faces without a caption", async () => {
    for (const name of ["Aaron_Eckhart_0001.jpg", "Amber_Frey_0001.jpg", "Bill_Clinton_0001.jpg", "Colin_Powell_0099.jpg"]) {
      const reading = await reader.read(corpusImage(name));
      expect(reading.score, `${name} read as "${reading.text}"`).toBeLessThan(THRESHOLDS.ocrScore);
    }
  });

  it("refuses bytes that are not an image with a clear error", async () => {
    await expect(reader.read(Buffer.from("not an image"))).rejects.toThrow(/unsupported image format|Input buffer/i);
  });
});

describe("readingOf", () => {
  it("keeps words of 3+ letters or digits with enough confidence, and weighs short words down", () => {
    expect(
      readingOf([
        { text: "We", confidence: 90 },
        { text: "news", confidence: 71 },
        { text: "=)(", confidence: 95 },
        { text: "aie", confidence: 16 },
        { text: "CNN", confidence: 88 },
        { text: "BREAKING", confidence: 64 },
      ]),
    ).toEqual({ score: 0.64, text: "BREAKING news CNN" });
    // Teeth read as a confident three-letter word stay under the flag threshold.
    expect(readingOf([{ text: "els", confidence: 85 }]).score).toBeLessThan(THRESHOLDS.ocrScore);
    expect(readingOf([])).toEqual({ score: 0, text: "" });
  });
});

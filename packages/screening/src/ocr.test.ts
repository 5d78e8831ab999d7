import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readingOf, TextReader } from "./ocr.ts";
import { corpusImage } from "./testing/index.ts";
import { THRESHOLDS } from "./thresholds.ts";

/** Draws `text` across the lower face, white with a dark outline, as captions and memes do. */
async function withCaption(face: Buffer, text: string): Promise<Buffer> {
  const { width = 160, height = 160 } = await sharp(face).metadata();
  const size = Math.round(width / 9);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <text x="50%" y="${Math.round(height * 0.62)}" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold"
      font-size="${size}" fill="white" stroke="black" stroke-width="1">${text}</text></svg>`;
  return sharp(face)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

let reader: TextReader;
beforeAll(async () => {
  reader = await TextReader.create(1);
});
afterAll(async () => {
  await reader?.close();
});

describe("text over the face (tesseract.js, offline English data)", () => {
  it("reads captions drawn over real faces, and flags most of them", async () => {
    let flagged = 0;
    for (const [name, caption] of [
      ["Aaron_Eckhart_0001.jpg", "BREAKING"],
      ["Bill_Clinton_0001.jpg", "so happy"],
      ["Amber_Frey_0001.jpg", "HELLO"],
    ] as const) {
      const reading = await reader.read(await withCaption(corpusImage(name), caption));
      // Letters of the caption come back even when the reading is imperfect ("HELLO" as "HEMIEY", 0.32).
      expect(reading.text, `${caption} on ${name}`).toMatch(/\p{L}{3}/u);
      if (reading.score >= THRESHOLDS.ocrScore) flagged += 1;
    }
    // Recall is measured by pnpm bench:signals (meme captions 100% of 20); these three are a sample of it.
    expect(flagged).toBeGreaterThanOrEqual(2);
  });

  it("finds no text on the same faces without a caption", async () => {
    for (const name of ["Aaron_Eckhart_0001.jpg", "Amber_Frey_0001.jpg", "Bill_Clinton_0001.jpg", "Colin_Powell_0099.jpg"]) {
      const reading = await reader.read(corpusImage(name));
      expect(reading.score, `${name} read as "${reading.text}"`).toBeLessThan(THRESHOLDS.ocrScore);
    }
  });

  it("reads a translucent corner watermark", async () => {
    const face = corpusImage("Colin_Powell_0099.jpg");
    const mark = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><text x="6" y="16" opacity="0.7"
      font-family="DejaVu Serif" font-size="13" fill="white">PREVIEW</text></svg>`;
    for (const svg of [mark]) {
      const bytes = await sharp(face)
        .composite([{ input: Buffer.from(svg) }])
        .jpeg({ quality: 90 })
        .toBuffer();
      const reading = await reader.read(bytes);
      expect(reading.score, `read "${reading.text}"`).toBeGreaterThanOrEqual(THRESHOLDS.ocrScore);
    }
  });

  it("refuses bytes that are not an image with a clear error", async () => {
    await expect(reader.read(Buffer.from("not an image"))).rejects.toThrow(/unsupported image format|Input buffer/i);
  });
});

describe("readingOf", () => {
  it("counts the letters read in one line, weighted by confidence, and ignores single characters", () => {
    const reading = readingOf([
      { text: "BREAKING", confidence: 20, line: 0 },
      { text: "news", confidence: 90, line: 0 },
      { text: "=)(", confidence: 95, line: 0 },
      { text: "a", confidence: 99, line: 1 },
      { text: "fan", confidence: 72, line: 2 },
    ]);
    // 8 letters at 0.6 + 4 at 0.95 = 8.6 → 0.86; the one-letter and punctuation words count for nothing.
    expect(reading).toEqual({ score: 0.86, text: "BREAKING news" });
    // What faces and hair read as: a short fragment, under the flag threshold even when confident.
    expect(readingOf([{ text: "fan", confidence: 72, line: 0 }]).score).toBeLessThan(THRESHOLDS.ocrScore);
    expect(
      readingOf([
        { text: "I", confidence: 99, line: 0 },
        { text: "|", confidence: 99, line: 0 },
      ]),
    ).toEqual({ score: 0, text: "" });
    expect(readingOf([])).toEqual({ score: 0, text: "" });
  });

  it("counts a short word read alike in both strips of one proposal twice, and not when the strips disagree or are unsure", () => {
    // "old" at 76 and 96: 2.64 + 2.94 = 5.58 → 0.558, where either strip alone gives at most 0.294.
    const old = [
      { text: "old", confidence: 76, line: 0, proposal: 0 },
      { text: "Old,", confidence: 96, line: 1, proposal: 0 },
    ];
    expect(readingOf(old)).toEqual({ score: 0.558, text: "old" });
    expect(readingOf(old).score).toBeGreaterThan(THRESHOLDS.ocrScore);
    expect(readingOf([old[0]!]).score).toBeLessThan(THRESHOLDS.ocrScore);
    // Two proposals reading the same fragment are not two strips of one line.
    expect(readingOf([old[0]!, { ...old[1]!, proposal: 1 }]).score).toBe(0.294);
    // What faces read: different fragments in the two strips, or the same one unsure.
    expect(readingOf([old[0]!, { text: "gut", confidence: 90, line: 1, proposal: 0 }]).score).toBe(0.285);
    expect(readingOf([old[0]!, { ...old[1]!, confidence: 20 }]).score).toBe(0.264);
  });
});

import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { analyseImage } from "../image/analyse.ts";
import { faces } from "../testing/index.ts";
import { hammingDistance, phash } from "./phash.ts";

const hashOf = async (bytes: Buffer) => (await analyseImage(bytes)).phash;

describe("phash on real faces", () => {
  const sample = faces(12);

  it("barely changes for a resized, re-encoded copy", async () => {
    for (const { bytes } of sample.slice(0, 6)) {
      const copy = await sharp(bytes).resize(97, 97).jpeg({ quality: 45 }).toBuffer();
      const png = await sharp(bytes).resize(320, 320).png().toBuffer();
      const h = await hashOf(bytes);
      expect(hammingDistance(h, await hashOf(copy))).toBeLessThanOrEqual(6);
      expect(hammingDistance(h, await hashOf(png))).toBeLessThanOrEqual(6);
    }
  });

  it("is far apart for different faces", async () => {
    const hashes = await Promise.all(sample.map((f) => hashOf(f.bytes)));
    const distances: number[] = [];
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) distances.push(hammingDistance(hashes[i]!, hashes[j]!));
    distances.sort((a, b) => a - b);
    expect(distances[Math.floor(distances.length / 2)]).toBeGreaterThanOrEqual(20); // median of 66 pairs
    expect(distances[0]).toBeGreaterThan(6); // even the closest pair is no near-duplicate
  });

  it("fits a signed 64-bit bigint, as PostgreSQL stores it", async () => {
    for (const { bytes } of sample.slice(0, 4)) {
      const h = await hashOf(bytes);
      expect(h).toBe(BigInt.asIntN(64, h));
    }
  });
});

describe("hammingDistance", () => {
  it("counts differing bits, including the sign bit", () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0n, -1n)).toBe(64);
    expect(hammingDistance(BigInt.asIntN(64, 1n << 63n), 0n)).toBe(1);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
  });

  it("gives a flat image a stable hash", () => {
    const flat = new Float64Array(32 * 32).fill(128);
    expect(phash(flat, 32, 32)).toBe(phash(flat, 32, 32));
  });
});

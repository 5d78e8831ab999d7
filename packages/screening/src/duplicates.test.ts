import { readdirSync } from "node:fs";
import { join } from "node:path";

import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { analyseImage, hammingDistance as hammingOf } from "@mien/dataset";

import { greySquare } from "./decode.ts";
import { alignedCorrelation, correlation, groupsOf, pairsAcrossCrops, pairsWithin, splitHashes } from "./duplicates.ts";
import { corpusImage, sharedData } from "./testing/index.ts";
import { THRESHOLDS } from "./thresholds.ts";

/** Deterministic 64-bit values (xorshift), so failures reproduce. */
function randomHashes(count: number, seed = 42n): bigint[] {
  let x = seed;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    out.push(BigInt.asIntN(64, x));
  }
  return out;
}

function flipBits(h: bigint, bits: number[]): bigint {
  return BigInt.asIntN(
    64,
    bits.reduce((v, b) => v ^ (1n << BigInt(b)), BigInt.asUintN(64, h)),
  );
}

/** All pairs compared, counting differing bits one at a time (independent of the popcount under test). */
function bruteForce(hashes: bigint[], max: number): string[] {
  const { hi, lo } = splitHashes(hashes);
  const bits = (x: number) => {
    let n = 0;
    for (let b = 0; b < 32; b++) n += (x >>> b) & 1;
    return n;
  };
  const out: string[] = [];
  for (let i = 0; i < hashes.length; i++) {
    for (let j = i + 1; j < hashes.length; j++) {
      const d = bits(hi[i]! ^ hi[j]!);
      if (d > max) continue;
      const total = d + bits(lo[i]! ^ lo[j]!);
      if (total <= max) out.push(`${i}-${j}-${total}`);
    }
  }
  return out.sort();
}

describe("pairsWithin (multi-index hashing)", () => {
  const key = (p: { a: number; b: number; distance: number }) => `${p.a}-${p.b}-${p.distance}`;

  it("finds exactly the pairs a full comparison finds up to 7 bits, each once, with flips spread over every chunk", () => {
    const hashes = randomHashes(1000);
    // Near-duplicates at distances 0–7, with flips spread across the four 16-bit chunks.
    const planted = [[], [3], [1, 17], [5, 21, 40], [0, 16, 32, 48], [2, 18, 34, 50, 63], [1, 2, 17, 18, 33, 34], [4, 5, 20, 21, 36, 37, 52]];
    planted.forEach((bits, k) => hashes.push(flipBits(hashes[k * 7]!, bits)));
    for (const max of [0, 3, 7]) {
      const found = pairsWithin(splitHashes(hashes), max, { tables: 4 }).map(key).sort();
      expect(found).toEqual(bruteForce(hashes, max));
    }
  });

  it("finds most pairs at 8–11 bits with the shuffled tables, and never a wrong or repeated one", () => {
    const hashes = randomHashes(1000);
    let x = 7;
    const next = (m: number) => (x = (Math.imul(x, 48271) >>> 0) % 2147483647) % m;
    const targets: string[] = [];
    for (let k = 0; k < 300; k++) {
      const d = 8 + (k % 4);
      const bits = new Set<number>();
      while (bits.size < d) bits.add(next(64));
      targets.push(`${k}-${hashes.length}-${d}`);
      hashes.push(flipBits(hashes[k]!, [...bits]));
    }
    const found = pairsWithin(splitHashes(hashes), 11).map(key);
    expect(new Set(found).size).toBe(found.length);
    const truth = new Set(bruteForce(hashes, 11));
    expect(found.every((p) => truth.has(p))).toBe(true);
    const recall = targets.filter((t) => found.includes(t)).length / targets.length;
    expect(recall).toBeGreaterThan(0.9);
    // Four tables alone miss many of them: the shuffled tables are what finds them.
    const plain = new Set(pairsWithin(splitHashes(hashes), 11, { tables: 4 }).map(key));
    expect(targets.filter((t) => plain.has(t)).length / targets.length).toBeLessThan(recall);
  });

  it("refuses settings the index cannot honour", () => {
    expect(() => pairsWithin(splitHashes(randomHashes(4)), 12)).toThrow(/too wide/);
    expect(() => pairsWithin(splitHashes(randomHashes(4)), 6, { tables: 3 })).toThrow(/at least 4 tables/);
  });
});

describe("groupsOf", () => {
  it("joins chains into one group named by its smallest member and leaves singles out", () => {
    expect(
      Array.from(
        groupsOf(6, [
          { a: 4, b: 2 },
          { a: 2, b: 5 },
          { a: 0, b: 1 },
        ]),
      ),
    ).toEqual([0, 0, 2, -1, 2, 2]);
  });
});

describe("correlation", () => {
  it("is 1 for the same picture at another brightness and contrast, lower for other content, 0 for a flat image", () => {
    const a = Array.from({ length: 64 }, (_, i) => (i * 37) % 101);
    expect(
      correlation(
        a,
        a.map((v) => v * 0.5 + 40),
      ),
    ).toBeCloseTo(1, 10);
    expect(correlation(a, [...a].reverse())).toBeLessThan(0.5);
    expect(correlation(a, new Array(64).fill(7))).toBe(0);
    expect(() => correlation(a, [1, 2])).toThrow(/one size/);
  });
});

/** As the duplicates stage confirms a pair: 48 px, best shift within 5 px and scale within 6%. */
const aligned = async (a: Buffer, b: Buffer) => alignedCorrelation(await greySquare(a, 48), await greySquare(b, 48), 48, 5);

describe("near-duplicates on real images", () => {
  const hashOf = async (bytes: Buffer) => (await analyseImage(bytes)).phash;
  const grey = (bytes: Buffer) => greySquare(bytes, 32);

  it("pairs a re-encoded, resized, brightened copy of a face with its original", async () => {
    const original = corpusImage("Aaron_Eckhart_0001.jpg");
    const copy = await sharp(original).resize(130, 130).modulate({ brightness: 1.1 }).jpeg({ quality: 55 }).toBuffer();
    const hashes = [await hashOf(original), await hashOf(copy), await hashOf(corpusImage("Amber_Frey_0001.jpg"))];
    const pairs = pairsWithin(splitHashes(hashes), THRESHOLDS.duplicateHamming);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([[0, 1]]);
    expect(correlation(await grey(original), await grey(copy))).toBeGreaterThan(THRESHOLDS.duplicateCorrelation);
  });

  it("confirms a duplicate the corpus holds under two names, and rejects two people whose hashes are close", async () => {
    // The same photo filed as Emmy_Rossum_0001 and Eva_Amurri_0001 (pHash distance 2).
    const [a, b] = [corpusImage("Emmy_Rossum_0001.jpg"), corpusImage("Eva_Amurri_0001.jpg")];
    expect(hammingOf(await hashOf(a), await hashOf(b))).toBeLessThanOrEqual(THRESHOLDS.duplicateHamming);
    expect(correlation(await grey(a), await grey(b))).toBeGreaterThan(THRESHOLDS.duplicateCorrelation);
    // Two different men, aligned the same way: pHash distance 6, but the pixels disagree.
    const [c, d] = [corpusImage("Jose_Luis_Santiago_Vasconcelos_0001.jpg"), corpusImage("Rick_Santorum_0001.jpg")];
    expect(hammingOf(await hashOf(c), await hashOf(d))).toBeLessThanOrEqual(THRESHOLDS.duplicateHamming);
    expect(correlation(await grey(c), await grey(d))).toBeLessThan(THRESHOLDS.duplicateCorrelation);
    expect(await aligned(c, d)).toBeLessThan(THRESHOLDS.duplicateCorrelation);
  });

  it("confirms a copy cropped by a few per cent once re-aligned, which the plain correlation misses", async () => {
    const original = corpusImage("Bill_Clinton_0001.jpg");
    const cropped = await sharp(original).extract({ left: 8, top: 3, width: 150, height: 150 }).jpeg({ quality: 70 }).toBuffer();
    expect(await aligned(original, cropped)).toBeGreaterThan(THRESHOLDS.duplicateCorrelation);
    expect(correlation(await grey(original), await grey(cropped))).toBeLessThan(await aligned(original, cropped));
  });
});

describe("crop hashes", () => {
  it("find copies cropped 6% from a corner, which the plain pHash misses, and pair no two different faces", async () => {
    const names = readdirSync(join(sharedData(), "facial-expressions", "images"))
      .sort()
      .slice(500, 530);
    const originals = names.map(corpusImage);
    const copies = await Promise.all(
      originals.map(async (bytes) => {
        const { width = 160, height = 160 } = await sharp(bytes).metadata();
        const f = 0.06;
        return sharp(bytes)
          .extract({ left: Math.round(width * f), top: Math.round(height * f), width: Math.round(width * (1 - f)), height: Math.round(height * (1 - f)) })
          .jpeg({ quality: 75 })
          .toBuffer();
      }),
    );
    const analyses = await Promise.all([...originals, ...copies].map((b) => analyseImage(b)));
    const n = originals.length;
    const full = splitHashes(analyses.map((a) => a.phash));
    const owner = Int32Array.from(analyses.flatMap((a, i) => a.phashCrops.map(() => i)));
    const crops = splitHashes(analyses.flatMap((a) => a.phashCrops));
    const viaCrops = pairsAcrossCrops(full, crops, owner, THRESHOLDS.duplicateHamming).map((p) => `${p.a}-${p.b}`);
    const plain = new Set(pairsWithin(full, THRESHOLDS.duplicateHamming).map((p) => `${p.a}-${p.b}`));
    const truth = originals.map((_, i) => `${i}-${i + n}`);
    expect(truth.filter((t) => viaCrops.includes(t))).toEqual(truth);
    expect(truth.filter((t) => !plain.has(t)).length).toBeGreaterThan(0); // what the crop hashes add
    // Anything else they pair must be told apart by the pixels, as the stage does.
    for (const pair of viaCrops.filter((p) => !truth.includes(p))) {
      const [a, b] = pair.split("-").map(Number);
      const images = [...originals, ...copies];
      expect(await aligned(images[a!]!, images[b!]!)).toBeLessThan(THRESHOLDS.duplicateCorrelation);
    }
  });
});

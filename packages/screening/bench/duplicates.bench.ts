// `pnpm bench:screening`: the near-duplicate search (multi-index hashing over 64-bit pHashes) at
// 420k images, on uniform random hashes and on hashes with the bit bias of real aligned faces, and
// the crop-hash probe (nine crop hashes per image) on the face-biased ones.
// Prints one JSON line.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

import { CROP_PROBE, pairsAcrossCrops, pairsWithin, splitHashes } from "../src/duplicates.ts";
import { THRESHOLDS } from "../src/thresholds.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "420000" } } });
const n = Number(values.n);

/**
 * P(bit = 1) for each of the 64 pHash bits (most significant first), measured on the 13,680
 * images of the facial-expressions corpus: aligned faces share much of their low-frequency
 * structure, so some bits are nearly always set or clear, and hash buckets are uneven.
 */
const FACE_BIT_BIAS = [
  0.52, 0.23, 0.49, 0.57, 0.48, 0.35, 0.49, 0.54, 0.51, 0.21, 0.52, 0.71, 0.49, 0.83, 0.48, 0.32, 0.5, 0.43, 0.48, 0.21, 0.51, 0.83, 0.51, 0.46, 0.45, 0.43,
  0.54, 0.7, 0.47, 0.5, 0.49, 0.44, 0.48, 0.93, 0.51, 0.72, 0.49, 0.17, 0.52, 0.6, 0.52, 0.88, 0.47, 0.78, 0.48, 0.3, 0.48, 0.41, 0.52, 0.42, 0.46, 0.28, 0.52,
  0.67, 0.5, 0.61, 0.46, 0.23, 0.51, 0.48, 0.49, 0.5, 0.5, 0.44,
];

let seed = 0x9e3779b9;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

function hashes(bias: (bit: number) => number): bigint[] {
  return Array.from({ length: n }, () => {
    let h = 0n;
    for (let b = 0; b < 64; b++) h = (h << 1n) | (random() < bias(b) ? 1n : 0n);
    return BigInt.asIntN(64, h);
  });
}

function time(label: string, input: bigint[]) {
  const table = splitHashes(input);
  const started = performance.now();
  const pairs = pairsWithin(table, THRESHOLDS.duplicateHamming);
  return { [`${label}Ms`]: Math.round(performance.now() - started), [`${label}Pairs`]: pairs.length };
}

/** The crop-hash probe (9 crop hashes per image against every pHash), on face-biased hashes. */
function timeCrops(input: bigint[]) {
  const table = splitHashes(input);
  const crops: bigint[] = [];
  for (let k = 0; k < 9; k++) crops.push(...hashes((b) => FACE_BIT_BIAS[b]!));
  const owner = Int32Array.from(crops, (_, k) => k % n);
  const started = performance.now();
  const pairs = pairsAcrossCrops(table, splitHashes(crops), owner, THRESHOLDS.duplicateHamming, CROP_PROBE);
  return { faceBiasCropsMs: Math.round(performance.now() - started), faceBiasCropsPairs: pairs.length };
}

const faceBiased = hashes((b) => FACE_BIT_BIAS[b]!);
const result = {
  bench: "screening.duplicates",
  images: n,
  hamming: THRESHOLDS.duplicateHamming,
  ...time(
    "uniform",
    hashes(() => 0.5),
  ),
  ...time("faceBias", faceBiased),
  ...timeCrops(faceBiased),
  loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
};
console.log(JSON.stringify(result));

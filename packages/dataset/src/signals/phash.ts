import { resizeGray } from "../pixels/resize.ts";

const SIZE = 32;
const BITS_SIDE = 8;

// cos((2x+1)·k·π / 2N) for the DCT frequencies 1..8 (frequency 0, the mean, carries no shape).
const COS: Float64Array[] = Array.from({ length: BITS_SIDE }, (_, i) => {
  const k = i + 1;
  return Float64Array.from({ length: SIZE }, (_, x) => Math.cos(((2 * x + 1) * k * Math.PI) / (2 * SIZE)));
});

/**
 * 64-bit DCT perceptual hash (the pHash.org recipe): shrink to 32×32 grey, take
 * the 8×8 lowest non-DC DCT frequencies, one bit per coefficient above their median.
 * Returned as a signed 64-bit value to fit PostgreSQL's bigint.
 */
export function phash(gray: Uint8Array | Float64Array, width: number, height: number): bigint {
  const px = width === SIZE && height === SIZE ? gray : resizeGray(gray, width, height, 1, SIZE, SIZE);
  // Separable 2-D DCT, only for the 8×8 block we keep.
  const rows = new Float64Array(SIZE * BITS_SIDE);
  for (let y = 0; y < SIZE; y++) {
    for (let k = 0; k < BITS_SIDE; k++) {
      const c = COS[k]!;
      let acc = 0;
      for (let x = 0; x < SIZE; x++) acc += px[y * SIZE + x]! * c[x]!;
      rows[y * BITS_SIDE + k] = acc;
    }
  }
  const coeffs = new Float64Array(BITS_SIDE * BITS_SIDE);
  for (let ky = 0; ky < BITS_SIDE; ky++) {
    const c = COS[ky]!;
    for (let kx = 0; kx < BITS_SIDE; kx++) {
      let acc = 0;
      for (let y = 0; y < SIZE; y++) acc += rows[y * BITS_SIDE + kx]! * c[y]!;
      coeffs[ky * BITS_SIDE + kx] = acc;
    }
  }
  const sorted = Float64Array.from(coeffs).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 32; i++) {
    if (coeffs[i]! > median) hi |= 1 << (31 - i);
    if (coeffs[i + 32]! > median) lo |= 1 << (31 - i);
  }
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/** Number of differing bits between two hashes (0 = same picture, ≤10 ≈ near-duplicate). */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

/**
 * Crops of a few per cent that a re-posted copy may have lost: the side kept, and where the crop
 * sits along the margin left over (0 = flush left/top, 1 = flush right/bottom).
 */
export const CROP_VARIANTS: ReadonlyArray<{ keep: number; x: number; y: number }> = [0.94].flatMap((keep) =>
  [0, 0.5, 1].flatMap((y) => [0, 0.5, 1].map((x) => ({ keep, x, y }))),
);

/**
 * pHashes of `CROP_VARIANTS` of a square grey image (any side ≥ 32), each crop sampled straight
 * to 32×32. A copy cropped by a few per cent lands within a few bits of one of them, though its
 * own hash can be 12–16 bits from the original's (the plain pHash misses such copies).
 */
export function cropHashes(gray: Float64Array, side: number): bigint[] {
  const px = new Float64Array(SIZE * SIZE);
  return CROP_VARIANTS.map(({ keep, x, y }) => {
    const span = keep * side;
    const x0 = x * (side - span);
    const y0 = y * (side - span);
    const step = span / SIZE;
    for (let j = 0; j < SIZE; j++) {
      const sy = Math.min(side - 1.001, Math.max(0, y0 + (j + 0.5) * step - 0.5));
      const iy = Math.floor(sy);
      const fy = sy - iy;
      for (let i = 0; i < SIZE; i++) {
        const sx = Math.min(side - 1.001, Math.max(0, x0 + (i + 0.5) * step - 0.5));
        const ix = Math.floor(sx);
        const fx = sx - ix;
        const k = iy * side + ix;
        px[j * SIZE + i] = (1 - fy) * ((1 - fx) * gray[k]! + fx * gray[k + 1]!) + fy * ((1 - fx) * gray[k + side]! + fx * gray[k + side + 1]!);
      }
    }
    return phash(px, SIZE, SIZE);
  });
}

/**
 * Near-duplicate search over 64-bit perceptual hashes with a multi-index hash (Norouzi et al.):
 * tables keyed by 16 of the 64 bits, probed within one bit flip. Two hashes within Hamming
 * distance 7 agree within one bit on one of four disjoint 16-bit chunks (pigeonhole), so the
 * first four tables find every such pair without comparing all pairs. Further tables over
 * shuffled bits find most pairs at distance 8–11 too (a fixed shuffle, so runs repeat).
 * Probing within two flips instead would be exact up to 11 but costs 8× more, and face
 * hashes are skewed (aligned faces share many bits), which makes buckets large.
 */
import { THRESHOLDS } from "./thresholds.ts";

const KEY_BITS = 16;
const BUCKETS = 1 << KEY_BITS;
const EXACT_TABLES = 4;

/** Hashes as two int32 halves, the form popcount works on fast. */
export interface HashTable {
  hi: Int32Array;
  lo: Int32Array;
}

export function splitHashes(hashes: readonly bigint[]): HashTable {
  const hi = new Int32Array(hashes.length);
  const lo = new Int32Array(hashes.length);
  hashes.forEach((h, i) => {
    const u = BigInt.asUintN(64, h);
    hi[i] = Number(u >> 32n) | 0;
    lo[i] = Number(u & 0xffffffffn) | 0;
  });
  return { hi, lo };
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bit positions (0 = most significant) of each table's key: four plain chunks, then shuffled ones. */
function tableBits(tables: number): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < EXACT_TABLES; c++) out.push(Array.from({ length: KEY_BITS }, (_, b) => c * KEY_BITS + b));
  let seed = 0x2545f491;
  while (out.length < tables) {
    const order = Array.from({ length: 64 }, (_, i) => i);
    for (let i = 63; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let c = 0; c < 4 && out.length < tables; c++) out.push(order.slice(c * KEY_BITS, (c + 1) * KEY_BITS));
  }
  return out;
}

function keysOf(t: HashTable, bits: readonly number[]): Uint16Array {
  const n = t.hi.length;
  const keys = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (const b of bits) {
      const word = b < 32 ? t.hi[i]! : t.lo[i]!;
      key = (key << 1) | ((word >>> (31 - (b % 32))) & 1);
    }
    keys[i] = key;
  }
  return keys;
}

/** One table as compressed rows: the hashes whose key is v are ids[start[v]..start[v+1]). */
function buildIndex(keys: Uint16Array): { start: Int32Array; ids: Int32Array } {
  const start = new Int32Array(BUCKETS + 1);
  for (const k of keys) start[k + 1]! += 1;
  for (let v = 0; v < BUCKETS; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, BUCKETS);
  const ids = new Int32Array(keys.length);
  keys.forEach((k, i) => (ids[fill[k]!++] = i));
  return { start, ids };
}

export interface HashPair {
  a: number;
  b: number;
  distance: number;
}

export interface PairSearchOptions {
  /** Tables to probe: 4 finds every pair within 7 bits; each further 4 find more of the pairs at 8–11. */
  tables?: number;
}

/** Pairs (a < b) of hashes within `maxDistance` bits, each once: all of them up to 7 bits, most beyond. */
export function pairsWithin(t: HashTable, maxDistance: number, options: PairSearchOptions = {}): HashPair[] {
  const tables = options.tables ?? 12;
  if (maxDistance > 11) throw new Error(`A Hamming distance of ${maxDistance} is too wide for this index; use 11 or less.`);
  if (tables < EXACT_TABLES) throw new Error(`Use at least ${EXACT_TABLES} tables, so that every pair within 7 bits is found.`);
  const n = t.hi.length;
  const keys = tableBits(tables).map((bits) => keysOf(t, bits));
  const pairs: HashPair[] = [];
  for (let c = 0; c < keys.length; c++) {
    const key = keys[c]!;
    const { start, ids } = buildIndex(key);
    for (let i = 0; i < n; i++) {
      const own = key[i]!;
      for (let flip = -1; flip < KEY_BITS; flip++) {
        const v = flip < 0 ? own : own ^ (1 << flip);
        for (let k = start[v]!; k < start[v + 1]!; k++) {
          const j = ids[k]!;
          if (j <= i) continue;
          const distance = popcount32(t.hi[i]! ^ t.hi[j]!) + popcount32(t.lo[i]! ^ t.lo[j]!);
          if (distance > maxDistance || foundEarlier(keys, c, i, j)) continue;
          pairs.push({ a: i, b: j, distance });
        }
      }
    }
  }
  return pairs;
}

/** Whether an earlier table already met this pair, so each pair is reported once. */
function foundEarlier(keys: readonly Uint16Array[], table: number, i: number, j: number): boolean {
  for (let c = 0; c < table; c++) {
    if (popcount32(keys[c]![i]! ^ keys[c]![j]!) <= 1) return true;
  }
  return false;
}

/**
 * Pairs (a < b) where one of a's crop hashes lies within `maxDistance` bits of b's own hash, or
 * the other way round: a copy cropped by a few per cent hashes far from its original (12–18 bits
 * on planted crops) but near one of the original's crops. `owner[k]` is the image of `crops` entry
 * k. Probes the same tables as pairsWithin, so the same distances are found.
 */
export function pairsAcrossCrops(t: HashTable, crops: HashTable, owner: Int32Array, maxDistance: number, options: PairSearchOptions = {}): HashPair[] {
  const tables = options.tables ?? 12;
  if (maxDistance > 11) throw new Error(`A Hamming distance of ${maxDistance} is too wide for this index; use 11 or less.`);
  const n = t.hi.length;
  const best = new Map<number, number>();
  for (const bits of tableBits(tables)) {
    const key = keysOf(t, bits);
    const cropKey = keysOf(crops, bits);
    const { start, ids } = buildIndex(key);
    for (let q = 0; q < cropKey.length; q++) {
      const own = cropKey[q]!;
      const o = owner[q]!;
      for (let flip = -1; flip < KEY_BITS; flip++) {
        const v = flip < 0 ? own : own ^ (1 << flip);
        for (let k = start[v]!; k < start[v + 1]!; k++) {
          const j = ids[k]!;
          if (j === o) continue;
          const distance = popcount32(crops.hi[q]! ^ t.hi[j]!) + popcount32(crops.lo[q]! ^ t.lo[j]!);
          if (distance > maxDistance) continue;
          const pair = Math.min(o, j) * n + Math.max(o, j);
          if (distance < (best.get(pair) ?? Infinity)) best.set(pair, distance);
        }
      }
    }
  }
  return [...best].map(([pair, distance]) => ({ a: Math.floor(pair / n), b: pair % n, distance }));
}

/**
 * Pearson correlation of two grey images of the same size: 1 for the same picture whatever
 * its brightness and contrast, lower as content differs.
 */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`correlation needs two non-empty images of one size, got ${a.length} and ${b.length} values.`);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  // A flat image carries no shape to compare; call it unrelated.
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Correlation of two square grey images after the best small re-alignment: the central 80% of
 * `a` against `b` shifted by up to `maxShift` pixels and scaled by ±6%. A copy cropped by a few
 * per cent is the same picture moved and enlarged, which the plain correlation misses
 * (measured at 48 px, ±5 px: 20 corpus faces cropped by 2–6% went from 0.84–0.97 plain to 0.956–0.996
 * aligned; the 139 pairs of different faces within 10 bits among 3,000 corpus images stay ≤ 0.891,
 * apart from two at 0.955 and 0.959).
 *
 * The search is coarse to fine: whole pixels and 3% scale steps, then quarter pixels and 0.5%
 * steps around the best. The coarse grid alone can sit half a pixel and 1.5% off, which cost a
 * planted 6% crop its match (0.944 coarse, bench:signals seed 15).
 */
export function alignedCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, side: number, maxShift = 3): number {
  if (a.length !== side * side || b.length !== side * side) throw new Error(`alignedCorrelation needs two ${side}×${side} images.`);
  const inner = Math.round(side * 0.8);
  const offset = (side - inner) / 2;
  const window = new Float64Array(inner * inner);
  for (let y = 0; y < inner; y++) for (let x = 0; x < inner; x++) window[y * inner + x] = a[(y + offset) * side + x + offset]!;
  const other = new Float64Array(inner * inner);
  /** Correlation with b scaled about the centre, then shifted (bilinear). */
  const at = (scale: number, dx: number, dy: number) => {
    for (let y = 0; y < inner; y++) {
      const sy = Math.min(side - 1.001, Math.max(0, (y + offset - side / 2) * scale + side / 2 + dy));
      const y0 = Math.floor(sy);
      const fy = sy - y0;
      for (let x = 0; x < inner; x++) {
        const sx = Math.min(side - 1.001, Math.max(0, (x + offset - side / 2) * scale + side / 2 + dx));
        const x0 = Math.floor(sx);
        const fx = sx - x0;
        const i = y0 * side + x0;
        other[y * inner + x] = (1 - fy) * ((1 - fx) * b[i]! + fx * b[i + 1]!) + fy * ((1 - fx) * b[i + side]! + fx * b[i + side + 1]!);
      }
    }
    return correlation(window, other);
  };
  let best = { value: -1, scale: 1, dx: 0, dy: 0 };
  const consider = (scale: number, dx: number, dy: number) => {
    const value = at(scale, dx, dy);
    if (value > best.value) best = { value, scale, dx, dy };
  };
  for (const scale of [0.94, 0.97, 1, 1.03, 1.06]) {
    for (let dy = -maxShift; dy <= maxShift; dy++) for (let dx = -maxShift; dx <= maxShift; dx++) consider(scale, dx, dy);
  }
  const coarse = best;
  for (let ds = -0.015; ds <= 0.0151; ds += 0.005) {
    for (let ey = -0.75; ey <= 0.75; ey += 0.25) for (let ex = -0.75; ex <= 0.75; ex += 0.25) consider(coarse.scale + ds, coarse.dx + ex, coarse.dy + ey);
  }
  return best.value;
}

/** Groups from pairs (union–find): the group of each item as the smallest member index, or -1 when alone. */
export function groupsOf(count: number, pairs: ReadonlyArray<{ a: number; b: number }>): Int32Array {
  const parent = Int32Array.from({ length: count }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const linked = new Uint8Array(count);
  for (const { a, b } of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    linked[a] = 1;
    linked[b] = 1;
  }
  const group = new Int32Array(count);
  for (let i = 0; i < count; i++) group[i] = linked[i] ? find(i) : -1;
  return group;
}

/**
 * The crop probe uses only the four exact tables (every pair within 7 bits, some at 8–10): planted
 * crops came within 0–8 bits of a crop hash, and nine queries per image over all twelve tables
 * cost 16× the plain search (bench:screening, 50k face-biased hashes: 32.7 s against 2.0 s).
 */
export const CROP_PROBE = { tables: 4 };

/** Pairs whose hashes, or one's crop hashes and the other's hash, are within THRESHOLDS.duplicateHamming. */
export function candidatePairs(rows: ReadonlyArray<{ phash: bigint; phashCrops: readonly bigint[] }>): HashPair[] {
  const full = splitHashes(rows.map((r) => r.phash));
  const owner = Int32Array.from(rows.flatMap((r, i) => r.phashCrops.map(() => i)));
  const crops = splitHashes(rows.flatMap((r) => r.phashCrops));
  const seen = new Set<number>();
  const out: HashPair[] = [];
  for (const p of [...pairsWithin(full, THRESHOLDS.duplicateHamming), ...pairsAcrossCrops(full, crops, owner, THRESHOLDS.duplicateHamming, CROP_PROBE)]) {
    const key = p.a * rows.length + p.b;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Side of the grey squares (greySquare of the thumbnails) compared to confirm a candidate pair. */
export const VERIFY_SIZE = 48;

/** Whether a candidate pair is the same picture: its thumbnails correlate at least THRESHOLDS.duplicateCorrelation after re-alignment. */
export function confirmPair(a: Uint8Array, b: Uint8Array): { confirmed: boolean; correlation: number } {
  const value = alignedCorrelation(a, b, VERIFY_SIZE, 5);
  return { confirmed: value >= THRESHOLDS.duplicateCorrelation, correlation: value };
}

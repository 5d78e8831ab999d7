// Grey resampling in plain JS for the image signals. For data-set-sized images
// a sharp call costs ~0.4 ms of fixed overhead, more than these few thousand
// multiply-adds; see bench/import.bench.ts.

/** Per output coordinate: which source samples it reads and with what weights (summing to 1). */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  stride: number;
}

// An import resizes between a handful of sizes over and over; the weights depend only on the sizes.
const tapsCache = new Map<number, Taps>();

function taps(src: number, dst: number): Taps {
  const key = src * 65_536 + dst;
  let t = tapsCache.get(key);
  if (!t) {
    if (tapsCache.size > 256) tapsCache.clear();
    t = computeTaps(src, dst);
    tapsCache.set(key, t);
  }
  return t;
}

/** Area averaging when shrinking (no aliasing), bilinear when growing (no blocky steps). */
function computeTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const stride = Math.ceil(scale) + 2;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float64Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    if (scale > 1) {
      const lo = i * scale;
      const hi = lo + scale;
      const first = Math.floor(lo);
      let n = 0;
      for (let s = first; s < hi && s < src; s++) {
        const w = Math.min(hi, s + 1) - Math.max(lo, s);
        if (w > 1e-9) weights[i * stride + n] = w / scale;
        else weights[i * stride + n] = 0;
        n++;
      }
      start[i] = first;
      count[i] = n;
    } else {
      const x = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), src - 1);
      const x0 = Math.floor(x);
      const f = x - x0;
      start[i] = x0;
      if (x0 + 1 < src && f > 0) {
        count[i] = 2;
        weights[i * stride] = 1 - f;
        weights[i * stride + 1] = f;
      } else {
        count[i] = 1;
        weights[i * stride] = 1;
      }
    }
  }
  return { start, count, weights, stride };
}

// Reused between calls (resizing is synchronous, so no two calls overlap): saves
// allocating and collecting ~100 KB per image during an import.
let rowScratch = new Float64Array(0);
let midScratch = new Float64Array(0);

/**
 * Grey version of an interleaved 8-bit image (1–4 channels: grey, grey+alpha,
 * RGB, RGBA; Rec. 601 luma, alpha ignored), resized to exactly dw×dh in one go.
 * Returns floats so chained resizes and signal maths lose no precision.
 */
export function resizeGray(src: Uint8Array | Float64Array, sw: number, sh: number, channels: number, dw: number, dh: number): Float64Array {
  const tx = taps(sw, dw);
  const ty = taps(sh, dh);
  if (rowScratch.length < sw) rowScratch = new Float64Array(sw);
  if (midScratch.length < sh * dw) midScratch = new Float64Array(sh * dw);
  const row = rowScratch;
  const mid = midScratch;
  // Locals, not property loads, in the hot loops.
  const xStart = tx.start;
  const xCount = tx.count;
  const xWeights = tx.weights;
  const xStride = tx.stride;
  // Horizontal pass, one source row at a time: to grey, then dw weighted sums.
  for (let y = 0; y < sh; y++) {
    const base = y * sw * channels;
    if (channels >= 3) {
      for (let x = 0, p = base; x < sw; x++, p += channels) row[x] = 0.299 * src[p]! + 0.587 * src[p + 1]! + 0.114 * src[p + 2]!;
    } else {
      for (let x = 0, p = base; x < sw; x++, p += channels) row[x] = src[p]!;
    }
    const o = y * dw;
    for (let x = 0; x < dw; x++) {
      const s0 = xStart[x]!;
      const n = xCount[x]!;
      const wBase = x * xStride;
      let acc = 0;
      for (let k = 0; k < n; k++) acc += row[s0 + k]! * xWeights[wBase + k]!;
      mid[o + x] = acc;
    }
  }
  // Vertical pass.
  const out = new Float64Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y]!;
    const n = ty.count[y]!;
    const wBase = y * ty.stride;
    const o = y * dw;
    for (let k = 0; k < n; k++) {
      const w = ty.weights[wBase + k]!;
      const m = (s0 + k) * dw;
      for (let i = 0; i < dw; i++) out[o + i] = out[o + i]! + mid[m + i]! * w;
    }
  }
  return out;
}

// Resampling in plain JS. For the small images a data set holds, a sharp call
// costs about 0.5 ms of fixed overhead, more than doing these few thousand
// multiply-adds here; see bench/import.bench.ts.

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

/**
 * Resizes an interleaved image (`channels` values per pixel) to exactly dw×dh.
 * Returns floats so chained resizes and signal maths lose no precision.
 */
export function resizePixels(
  src: Uint8Array | Float64Array,
  sw: number,
  sh: number,
  channels: number,
  dw: number,
  dh: number,
): Float64Array {
  const tx = taps(sw, dw);
  const ty = taps(sh, dh);
  // Horizontal pass: sh rows of dw pixels.
  const mid = new Float64Array(sh * dw * channels);
  if (channels === 1) {
    // The common case (grey signals, grey data sets) without the channel loop.
    for (let y = 0; y < sh; y++) {
      const row = y * sw;
      const o = y * dw;
      for (let x = 0; x < dw; x++) {
        const s0 = row + tx.start[x]!;
        const n = tx.count[x]!;
        const wBase = x * tx.stride;
        let acc = 0;
        for (let k = 0; k < n; k++) acc += src[s0 + k]! * tx.weights[wBase + k]!;
        mid[o + x] = acc;
      }
    }
  } else for (let y = 0; y < sh; y++) {
    const row = y * sw * channels;
    for (let x = 0; x < dw; x++) {
      const s0 = tx.start[x]!;
      const n = tx.count[x]!;
      const wBase = x * tx.stride;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += src[row + (s0 + k) * channels + c]! * tx.weights[wBase + k]!;
        mid[(y * dw + x) * channels + c] = acc;
      }
    }
  }
  // Vertical pass.
  const out = new Float64Array(dw * dh * channels);
  const rowLen = dw * channels;
  for (let y = 0; y < dh; y++) {
    const s0 = ty.start[y]!;
    const n = ty.count[y]!;
    const wBase = y * ty.stride;
    const o = y * rowLen;
    for (let k = 0; k < n; k++) {
      const w = ty.weights[wBase + k]!;
      const m = (s0 + k) * rowLen;
      for (let i = 0; i < rowLen; i++) out[o + i]! += mid[m + i]! * w;
    }
  }
  return out;
}

/** Largest size that fits inside `max`×`max` keeping the aspect ratio; never enlarges. */
export function fitInside(width: number, height: number, max: number): { width: number; height: number } {
  if (width <= max && height <= max) return { width, height };
  const scale = max / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Rounds floats back to 8-bit samples. */
export function toBytes(values: Float64Array): Buffer {
  const out = Buffer.allocUnsafe(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i]!);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

import type * as tf from "@tensorflow/tfjs";

/**
 * Weight quantisation for published heads, in the TF.js weights-manifest format that
 * `tf.io.decodeWeights` reads back (float16, or uint8 with a per-tensor affine min/scale).
 */
export type Quantization = "float16" | "uint8" | "none";

export interface QuantizedWeights {
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary32 → binary16 bits, round to nearest even; overflow becomes ±Infinity. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // too small: signed zero
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rest > half || (rest === half && out & 1)) out += 1;
    return sign | out;
  }
  let out = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && out & 1)) out += 1; // may carry into the exponent: still correct
  return sign | out;
}

/** Encodes named float32 tensors' values, quantised as asked, into one buffer plus specs. */
export function quantizeWeights(weights: ReadonlyArray<{ name: string; shape: number[]; values: Float32Array }>, quantization: Quantization): QuantizedWeights {
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const { name, shape, values } of weights) {
    if (quantization === "float16") {
      const out = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]!);
      parts.push(new Uint8Array(out.buffer));
      specs.push({ name, shape, dtype: "float32", quantization: { dtype: "float16" } });
    } else if (quantization === "uint8") {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (!Number.isFinite(min)) min = max = 0;
      const scale = max > min ? (max - min) / 255 : 1;
      const out = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = Math.round((values[i]! - min) / scale);
      parts.push(out);
      specs.push({ name, shape, dtype: "float32", quantization: { dtype: "uint8", min, scale } });
    } else {
      // A view: the bytes are copied once, into `data` below.
      parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      specs.push({ name, shape, dtype: "float32" });
    }
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.byteLength;
  }
  return { specs, data: data.buffer };
}

import { float32ToFloat16Bits } from "../artifact/quantize.ts";

/**
 * Training images as one block of memory that worker threads share without copying:
 * n images of side × side × channels bytes (0..255), image i at i · side² · channels.
 */
export interface PixelDataset {
  kind: "pixels";
  buffer: SharedArrayBuffer;
  count: number;
  side: number;
  channels: 1 | 3;
}

/**
 * Cached outputs of a frozen trunk (fine-tuning): n rows of h × w × c float16 values, shared
 * by the worker threads. Half the memory of float32; a frozen ReLU map loses nothing that matters.
 */
export interface FeatureDataset {
  kind: "features";
  buffer: SharedArrayBuffer;
  count: number;
  shape: [number, number, number];
}

export type TrainingDataset = PixelDataset | FeatureDataset;

export function allocatePixelDataset(count: number, side: number, channels: 1 | 3): PixelDataset {
  return { kind: "pixels", buffer: new SharedArrayBuffer(count * side * side * channels), count, side, channels };
}

export function allocateFeatureDataset(count: number, shape: [number, number, number]): FeatureDataset {
  return { kind: "features", buffer: new SharedArrayBuffer(count * shape[0] * shape[1] * shape[2] * 2), count, shape };
}

/** Values per image (pixels or features). */
export function rowSize(data: TrainingDataset): number {
  return data.kind === "pixels" ? data.side * data.side * data.channels : data.shape[0] * data.shape[1] * data.shape[2];
}

function checkIndex(data: TrainingDataset, j: number) {
  if (j < 0 || j >= data.count || !Number.isInteger(j)) throw new Error(`Row ${j} is outside the data set of ${data.count}.`);
}

/** The pixels of the listed images, one after another. */
export function gatherPixels(data: PixelDataset, indices: ArrayLike<number>): Uint8Array {
  const plane = rowSize(data);
  const all = new Uint8Array(data.buffer);
  const out = new Uint8Array(indices.length * plane);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    checkIndex(data, j);
    out.set(all.subarray(j * plane, (j + 1) * plane), i * plane);
  }
  return out;
}

let halfTable: Float32Array | undefined;
/** float16 bits → float32, by table (65,536 entries, built once). */
function halfToFloat(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    t[h] = exp === 0 ? sign * mant * 2 ** -24 : exp === 31 ? (mant ? Number.NaN : sign * Infinity) : sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return (halfTable = t);
}

/** The listed rows of a feature data set as float32, one after another. */
export function gatherFeatures(data: FeatureDataset, indices: ArrayLike<number>): Float32Array {
  const size = rowSize(data);
  const all = new Uint16Array(data.buffer);
  const table = halfToFloat();
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    checkIndex(data, j);
    const src = j * size;
    const dst = i * size;
    for (let k = 0; k < size; k++) out[dst + k] = table[all[src + k]!]!;
  }
  return out;
}

/** Stores float32 rows (consecutive, starting at `firstRow`) as float16. */
export function storeFeatures(data: FeatureDataset, firstRow: number, values: Float32Array): void {
  const size = rowSize(data);
  if (values.length % size) throw new Error(`${values.length} values are not whole rows of ${size}.`);
  checkIndex(data, firstRow + values.length / size - 1);
  const all = new Uint16Array(data.buffer, firstRow * size * 2, values.length);
  for (let k = 0; k < values.length; k++) all[k] = float32ToFloat16Bits(values[k]!);
}

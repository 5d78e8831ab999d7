/**
 * One grey plane from interleaved 8-bit pixels with 1–4 channels
 * (grey, grey+alpha, RGB, RGBA). Rec. 601 luma, as JPEG uses; alpha is ignored.
 */
export function toGray(data: Uint8Array, width: number, height: number, channels: number): Float64Array {
  const n = width * height;
  const out = new Float64Array(n);
  if (channels <= 2) {
    for (let i = 0; i < n; i++) out[i] = data[i * channels]!;
  } else {
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      out[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    }
  }
  return out;
}

/**
 * Training images as one block of memory that worker threads share without copying:
 * n images of side × side × channels bytes (0..255), image i at i · side² · channels.
 */
export interface PixelDataset {
  buffer: SharedArrayBuffer;
  count: number;
  side: number;
  channels: 1 | 3;
}

export function allocatePixelDataset(count: number, side: number, channels: 1 | 3): PixelDataset {
  return { buffer: new SharedArrayBuffer(count * side * side * channels), count, side, channels };
}

/** The pixels of the listed images, one after another. */
export function gatherPixels(data: PixelDataset, indices: ArrayLike<number>): Uint8Array {
  const plane = data.side * data.side * data.channels;
  const all = new Uint8Array(data.buffer);
  const out = new Uint8Array(indices.length * plane);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (j < 0 || j >= data.count) throw new Error(`Image index ${j} is outside the data set of ${data.count}.`);
    out.set(all.subarray(j * plane, (j + 1) * plane), i * plane);
  }
  return out;
}

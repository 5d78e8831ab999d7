import * as tf from "@tensorflow/tfjs";

import { toCropColour } from "../crop-colour.ts";
import { decodeImageBytes } from "../image-decode.node.ts";
import { pixelsToBatch, preprocess } from "../preprocess.ts";
import { allocatePixelDataset, type PixelDataset } from "./dataset-buffer.ts";

/**
 * Decodes images into a shared pixel buffer at the network's input size, through the same
 * colour conversion and resize as inference (toCropColour, then preprocess with no
 * normalisation), so training sees what the coach will feed the model.
 */
export async function loadPixelDataset(
  ids: readonly string[],
  read: (id: string) => Promise<Uint8Array>,
  side: number,
  colour: "gray" | "rgb",
  onProgress?: (done: number, total: number) => Promise<void>,
): Promise<PixelDataset> {
  const channels = colour === "gray" ? 1 : 3;
  const data = allocatePixelDataset(ids.length, side, channels);
  const out = new Uint8Array(data.buffer);
  const plane = side * side * channels;
  const batch = 128;
  for (let start = 0; start < ids.length; start += batch) {
    const chunk = ids.slice(start, start + batch);
    const images = await Promise.all(chunk.map(async (id) => decodeImageBytes(await read(id), id)));
    const values = tf.tidy(() => {
      const crops = toCropColour(pixelsToBatch(images), colour);
      const x = preprocess(crops, { size: side, channels, mean: [0], scale: 1 });
      return tf.clipByValue(tf.round(x), 0, 255).dataSync();
    });
    out.set(Uint8Array.from(values), start * plane);
    await onProgress?.(Math.min(ids.length, start + batch), ids.length);
  }
  return data;
}

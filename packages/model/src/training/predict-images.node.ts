import type { ExpressionModel } from "../artifact/expression-model.ts";
import { decodeImageBytes } from "../image-decode.node.ts";
import { pixelsToBatch, type PixelImage } from "../preprocess.ts";

export interface PredictImagesOptions {
  batchSize?: number;
  /** After each batch: images done, total; may throw to stop. */
  onProgress?: (done: number, total: number) => Promise<void>;
}

/**
 * Runs a loaded model on encoded images (whole images are the face crops, as in the data sets):
 * calibrated probabilities, [n × classes] row-major in the model's class order.
 */
export async function predictImages(
  model: ExpressionModel,
  ids: readonly string[],
  read: (id: string) => Promise<Uint8Array>,
  options: PredictImagesOptions = {},
): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 32;
  const k = model.classes.length;
  const out = new Float32Array(ids.length * k);
  // Decoding the next batch overlaps with predicting this one.
  const decode = (start: number): Promise<PixelImage[]> => {
    const p = Promise.all(ids.slice(start, start + batchSize).map(async (id) => decodeImageBytes(await read(id), id)));
    // Handled when awaited below; this keeps an early exit from leaving an unhandled rejection.
    p.catch(() => undefined);
    return p;
  };
  let pending = ids.length ? decode(0) : null;
  for (let i = 0; i < ids.length; i += batchSize) {
    const pixels = await pending!;
    pending = i + batchSize < ids.length ? decode(i + batchSize) : null;
    const batch = pixelsToBatch(pixels);
    const probs = model.predict(batch);
    batch.dispose();
    out.set((await probs.data()) as Float32Array, i * k);
    probs.dispose();
    await options.onProgress?.(Math.min(i + batchSize, ids.length), ids.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

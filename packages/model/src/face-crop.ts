import * as tf from "@tensorflow/tfjs";

import { DEFAULT_FACE_BOX, type FaceBoxFraming } from "./face-box.ts";

/** An axis-aligned box in frame pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export { DEFAULT_FACE_BOX, type FaceBoxFraming };

/** Crop colour: "gray" repeats luma into three channels, as when the training data was gray. */
export type CropColour = "gray" | "rgb";

/** ITU-R 601 luma, the weights `preprocess` uses for gray-input models. */
const LUMA = [0.2989, 0.587, 0.114] as const;

/**
 * The square crop region for one face box, kept inside the frame: the square is moved inwards
 * when it pokes out, and shrunk to the frame's shorter side when it is larger than that.
 */
export function cropRegion(box: Box, framing: FaceBoxFraming, frame: { width: number; height: number }): Box {
  if (!(box.width > 0 && box.height > 0)) throw new Error(`A face box needs a positive size; got ${box.width}×${box.height}.`);
  if (!(framing.scale > 0)) throw new Error(`faceBox.scale must be positive; got ${framing.scale}.`);
  const side = Math.min(Math.max(box.width, box.height) * framing.scale, frame.width, frame.height);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + framing.shiftY * box.height;
  const x = clamp(cx - side / 2, 0, frame.width - side);
  const y = clamp(cy - side / 2, 0, frame.height - side);
  return { x, y, width: side, height: side };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

export interface CropOptions {
  /** Side of the square output crops in pixels. */
  size: number;
  framing: FaceBoxFraming;
  colour: CropColour;
}

/**
 * Cuts each face out of a [h, w, 3] frame (0..255) as a square [n, size, size, 3] 0..255 crop.
 * When a face is much larger than `size`, it is sampled at up to 4× and box-averaged down, so a
 * 300-pixel webcam face shrinks without the aliasing a single bilinear sample would give.
 */
export function cropFaces(frame: tf.Tensor3D, boxes: readonly Box[], options: CropOptions): tf.Tensor4D {
  const [height, width, channels] = frame.shape;
  if (channels !== 3) throw new Error(`cropFaces needs an RGB frame [h, w, 3]; got ${channels} channels.`);
  if (boxes.length === 0) throw new Error("cropFaces needs at least one face box.");
  const regions = boxes.map((b) => cropRegion(b, options.framing, { width, height }));
  const largest = Math.max(...regions.map((r) => r.width));
  const factor = clamp(Math.floor(largest / options.size), 1, 4);
  return tf.tidy(() => {
    const n = options.size * factor;
    // cropAndResize samples from the first to the last box edge inclusive, in pixel-index units
    // normalised by (side - 1): place the n samples at the centres of n equal cells of the region.
    const edges = (start: number, side: number, extent: number) => {
      const half = side / (2 * n);
      return [(start + half - 0.5) / (extent - 1), (start + side - half - 0.5) / (extent - 1)] as const;
    };
    const norm = regions.map((r) => {
      const [y1, y2] = edges(r.y, r.height, height);
      const [x1, x2] = edges(r.x, r.width, width);
      return [y1, x1, y2, x2];
    });
    const batch = tf.expandDims(tf.cast(frame, "float32"), 0) as tf.Tensor4D;
    const indices = tf.zeros([regions.length], "int32") as tf.Tensor1D;
    const sampled = tf.image.cropAndResize(batch, tf.tensor2d(norm, [regions.length, 4]), indices, [n, n], "bilinear");
    const crops = factor > 1 ? (tf.avgPool(sampled, factor, factor, "valid") as tf.Tensor4D) : sampled;
    return options.colour === "gray" ? grayToThree(crops) : crops;
  });
}

/** RGB → luma, repeated into three channels: [n, h, w, 3] → [n, h, w, 3]. */
export function grayToThree(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.tile(tf.sum(tf.mul(x, tf.tensor1d([...LUMA])), 3, true), [1, 1, 1, 3]) as tf.Tensor4D);
}

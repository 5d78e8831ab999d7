import * as tf from "@tensorflow/tfjs";

import { rng } from "./training/random.ts";

/**
 * The original project's training augmentations, applied to face crops in pixel space (the conv
 * layers are frozen, so each augmented copy is embedded once). Strengths are maxima: each copy
 * draws its own value uniformly in ±amount, from a generator seeded per image and copy, so the
 * same copy always looks the same and its embedding can be cached.
 */
export interface AugmentationAmounts {
  /** Degrees. */
  rotation?: number;
  /** Fraction of width and of height. */
  shift?: number;
  /** Shear factor. */
  shear?: number;
  /** Fraction of scale, in or out. */
  zoom?: number;
  /** Fraction of brightness. */
  brightness?: number;
}

export interface AugmentationDraw {
  rotation: number;
  shiftX: number;
  shiftY: number;
  shear: number;
  zoom: number;
  brightness: number;
}

/** One random draw of every enabled augmentation (disabled ones stay at identity). */
export function drawAugmentation(amounts: AugmentationAmounts, seed: number): AugmentationDraw {
  const random = rng(seed);
  const u = (amount = 0) => (amount ? (random() * 2 - 1) * amount : 0);
  return {
    rotation: (u(amounts.rotation) * Math.PI) / 180,
    shiftX: u(amounts.shift),
    shiftY: u(amounts.shift),
    shear: u(amounts.shear),
    zoom: 1 + u(amounts.zoom),
    brightness: 1 + u(amounts.brightness),
  };
}

/**
 * The projective transform [a0, a1, a2, b0, b1, b2, 0, 0] that maps each output pixel to the
 * input pixel it samples: rotation, shear and zoom about the centre, then a shift.
 */
export function transformRow(d: AugmentationDraw, width: number, height: number): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // Forward map M = Rotate · Shear · Zoom; the sampler needs its inverse.
  const cos = Math.cos(d.rotation);
  const sin = Math.sin(d.rotation);
  const m00 = cos * d.zoom;
  const m01 = (cos * d.shear - sin) * d.zoom;
  const m10 = sin * d.zoom;
  const m11 = (sin * d.shear + cos) * d.zoom;
  const det = m00 * m11 - m01 * m10;
  const i00 = m11 / det;
  const i01 = -m01 / det;
  const i10 = -m10 / det;
  const i11 = m00 / det;
  const tx = d.shiftX * width;
  const ty = d.shiftY * height;
  // input = Inv · (output − centre − shift) + centre
  const ox = cx + tx;
  const oy = cy + ty;
  return [i00, i01, cx - i00 * ox - i01 * oy, i10, i11, cy - i10 * ox - i11 * oy, 0, 0];
}

/** Applies one draw per image to [n, h, w, c] 0..255 crops; edges repeat the nearest pixel. */
export function augmentBatch(crops: tf.Tensor4D, draws: readonly AugmentationDraw[]): tf.Tensor4D {
  const [n, h, w] = crops.shape;
  if (draws.length !== n) throw new Error(`augmentBatch got ${draws.length} draws for ${n} images.`);
  return tf.tidy(() => {
    const transforms = tf.tensor2d(
      draws.map((d) => transformRow(d, w, h)),
      [n, 8],
    );
    const moved = tf.image.transform(tf.cast(crops, "float32"), transforms, "bilinear", "nearest");
    const gain = tf.tensor4d(
      draws.map((d) => d.brightness),
      [n, 1, 1, 1],
    );
    return tf.clipByValue(tf.mul(moved, gain), 0, 255) as tf.Tensor4D;
  });
}

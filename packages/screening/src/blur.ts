import sharp from "sharp";

import { THRESHOLDS } from "./thresholds.ts";

/**
 * Side every image is resized to before its sharpness is measured: the corpus's own size
 * (13.3k of its 13.7k images are 160 px faces), so a blur means the same on every image.
 */
export const SHARPNESS_SIDE = 160;

function edgeStrength(px: Float32Array, side: number): number {
  let sum = 0;
  for (let y = 0; y < side - 1; y++) {
    for (let x = 0; x < side - 1; x++) {
      const i = y * side + x;
      sum += Math.abs(px[i + 1]! - px[i]!) + Math.abs(px[i + side]! - px[i]!);
    }
  }
  return sum;
}

/** 5×5 box blur, clipped at the edges. */
function reblurred(px: Float32Array, side: number): Float32Array {
  const rows = new Float32Array(px.length);
  const out = new Float32Array(px.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let s = 0;
      let n = 0;
      for (let dx = -2; dx <= 2; dx++) {
        const xx = x + dx;
        if (xx >= 0 && xx < side) {
          s += px[y * side + xx]!;
          n += 1;
        }
      }
      rows[y * side + x] = s / n;
    }
  }
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let s = 0;
      let n = 0;
      for (let dy = -2; dy <= 2; dy++) {
        const yy = y + dy;
        if (yy >= 0 && yy < side) {
          s += rows[yy * side + x]!;
          n += 1;
        }
      }
      out[y * side + x] = s / n;
    }
  }
  return out;
}

/**
 * Sharpness as the share of edge strength that blurring again removes (after Crété-Roffet et
 * al., "The blur effect", 2007): a sharp photo loses much of its edge strength to a 5×5 box
 * blur, an already blurry one little. A ratio, so it does not depend on the photo's contrast or
 * content the way the Laplacian's variance does, measured on a square grey `side`² copy so it
 * does not depend on resolution. Flat images score 0.
 */
export function sharpnessOf(grey: Float32Array, side: number = SHARPNESS_SIDE): number {
  if (grey.length !== side * side) throw new Error(`Expected ${side}×${side} grey values, got ${grey.length}.`);
  const before = edgeStrength(grey, side);
  if (before < 1e-6) return 0;
  return Math.max(0, 1 - edgeStrength(reblurred(grey, side), side) / before);
}

/** Sharpness of RGB pixels (as the faces stage decodes them). */
export async function sharpness(rgb: { width: number; height: number; data: Uint8Array }): Promise<number> {
  const grey = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .greyscale()
    .resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { fit: "fill", kernel: "cubic" })
    .raw()
    .toBuffer();
  return sharpnessOf(Float32Array.from(grey), SHARPNESS_SIDE);
}

/** Why an image is unclear, from its sharpness, the contrast stored at import, and the face count. */
export type UnclearCause = "blurry" | "flat" | "several_faces";

export interface UnclearInput {
  /** Null until a screening run has measured it. */
  sharpness: number | null;
  contrast: number;
  faceCount: number | null;
}

export function unclearCauses(image: UnclearInput, thresholds = THRESHOLDS): UnclearCause[] {
  const causes: UnclearCause[] = [];
  if (image.sharpness !== null && image.sharpness < thresholds.sharpness) causes.push("blurry");
  if (image.contrast < thresholds.contrast) causes.push("flat");
  if (image.faceCount !== null && image.faceCount >= 2) causes.push("several_faces");
  return causes;
}

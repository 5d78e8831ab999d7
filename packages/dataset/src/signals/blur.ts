import { resizeGray } from "../pixels/resize.ts";

/**
 * Side of the square every image is resized to before measuring, so that scores
 * compare across image sizes. 64 px is the scale the expression models look at:
 * blur that vanishes at 64 px does not matter to them.
 */
export const BLUR_SIZE = 64;

/**
 * Sharpness as the variance of the 4-neighbour Laplacian of the grey image at
 * {@link BLUR_SIZE}² (grey levels 0–255). Low means blurry; a flat image scores 0.
 */
export function blurScore(gray: Uint8Array | Float64Array, width: number, height: number): number {
  const px = width === BLUR_SIZE && height === BLUR_SIZE ? gray : resizeGray(gray, width, height, 1, BLUR_SIZE, BLUR_SIZE);
  const s = BLUR_SIZE;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < s - 1; y++) {
    for (let x = 1; x < s - 1; x++) {
      const i = y * s + x;
      const lap = 4 * px[i]! - px[i - 1]! - px[i + 1]! - px[i - s]! - px[i + s]!;
      sum += lap;
      sumSq += lap * lap;
    }
  }
  const n = (s - 2) * (s - 2);
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

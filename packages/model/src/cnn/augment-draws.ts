import { transformRow } from "../augment.ts";
import { rng } from "../training/random.ts";

/** Random augmentations for training from pixels (conv training sees a new draw every epoch). */
export interface ImageAugmentation {
  /** Mirror half of the images. */
  flip: boolean;
  /** Degrees, ±. */
  rotation: number;
  /** Fraction of the side, ±, in x and y. */
  shift: number;
  /** Scale change, ±. */
  zoom: number;
  /** Shear factor, ±. */
  shear: number;
  /** Brightness offset as a fraction of 255, ±. */
  brightness: number;
  /** Contrast gain change, ±. */
  contrast: number;
  /** Probability of erasing one random rectangle (Zhong et al., random erasing). */
  erase: number;
}

export const NO_AUGMENTATION: ImageAugmentation = { flip: false, rotation: 0, shift: 0, zoom: 0, shear: 0, brightness: 0, contrast: 0, erase: 0 };

/**
 * Per image: 8 transform numbers (tf.image.transform's row), gain, offset and an erase box
 * (x0, y0, x1, y1 in pixels; all zero for none): 14 floats, drawn from `seed` alone.
 */
export const DRAW_WIDTH = 14;

export function drawAugmentations(count: number, side: number, a: ImageAugmentation, seed: number): Float32Array {
  const out = new Float32Array(count * DRAW_WIDTH);
  const random = rng(seed);
  const u = (amount: number) => (amount ? (random() * 2 - 1) * amount : 0);
  for (let i = 0; i < count; i++) {
    const row = transformRow(
      { rotation: (u(a.rotation) * Math.PI) / 180, shiftX: u(a.shift), shiftY: u(a.shift), shear: u(a.shear), zoom: 1 + u(a.zoom), brightness: 1 },
      side,
      side,
    );
    if (a.flip && random() < 0.5) {
      // Mirror the sampled x: x' = (side − 1) − x.
      row[0] = -row[0]!;
      row[1] = -row[1]!;
      row[2] = side - 1 - row[2]!;
    }
    out.set(row, i * DRAW_WIDTH);
    out[i * DRAW_WIDTH + 8] = 1 + u(a.contrast);
    out[i * DRAW_WIDTH + 9] = u(a.brightness) * 255;
    if (a.erase > 0 && random() < a.erase) {
      // Area 2–20% of the image, aspect 0.3–3.3, as in the random-erasing paper.
      const area = (0.02 + random() * 0.18) * side * side;
      const aspect = Math.exp(Math.log(0.3) + random() * (Math.log(3.3) - Math.log(0.3)));
      const h = Math.min(side, Math.round(Math.sqrt(area * aspect)));
      const w = Math.min(side, Math.round(Math.sqrt(area / aspect)));
      const x0 = Math.floor(random() * (side - w + 1));
      const y0 = Math.floor(random() * (side - h + 1));
      out.set([x0, y0, x0 + w, y0 + h], i * DRAW_WIDTH + 10);
    }
  }
  return out;
}

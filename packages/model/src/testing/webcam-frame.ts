import { fileURLToPath } from "node:url";

import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";

/** The bundled demo sample (real photos from facial_expressions, Apache-2.0). */
export const DEMO_IMAGES = fileURLToPath(new URL("../../../../data/demo/images/", import.meta.url));

export interface Placement {
  /** File name in DEMO_IMAGES. */
  image: string;
  left: number;
  top: number;
  /** Side the photo is scaled to. */
  size: number;
}

/** A 640×480 webcam-like RGB frame: real photos placed on a plain background. */
export async function webcamFrame(placements: readonly Placement[], width = 640, height = 480): Promise<tf.Tensor3D> {
  const layers = await Promise.all(
    placements.map(async (p) => ({
      input: await sharp(`${DEMO_IMAGES}${p.image}`).resize(p.size, p.size).toColourspace("srgb").png().toBuffer(),
      left: p.left,
      top: p.top,
    })),
  );
  const { data } = await sharp({ create: { width, height, channels: 3, background: { r: 190, g: 196, b: 204 } } })
    .composite(layers)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return tf.tensor3d(new Uint8Array(data), [height, width, 3], "int32");
}

import * as tf from "@tensorflow/tfjs";

/** How face crops are coloured before any backbone sees them (written to each model's manifest). */
export type CropColour = "gray" | "rgb";

// ITU-R 601 luma weights scaled to sum to exactly 1, so an already-gray image passes unchanged.
const LUMA = [0.2989, 0.587, 0.114].map((w) => w / 0.9999);

/**
 * [n, h, w, 3] 0..255 crops → the same shape in the model's colour: "gray" replaces each pixel by
 * its luma in all three channels (how gray training data such as FER2013 looks); "rgb" is a no-op.
 * Training, evaluation and the browser all call this, so the three see the same pixels.
 */
export function toCropColour(crops: tf.Tensor4D, colour: CropColour): tf.Tensor4D {
  if (colour === "rgb") return crops;
  return tf.tidy(() => {
    const luma = tf.sum(tf.mul(tf.cast(crops, "float32"), tf.tensor1d(LUMA)), 3, true);
    return tf.tile(luma, [1, 1, 1, 3]) as tf.Tensor4D;
  });
}

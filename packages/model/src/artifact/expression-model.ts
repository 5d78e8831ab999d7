import type * as tf from "@tensorflow/tfjs";

import type { ExpressionClass } from "../classes.ts";
import type { ArtifactManifest } from "./manifest.ts";

/**
 * A loaded, ready-to-run expression model: what the coach page, `mien eval` and the trainer's
 * evaluation all call, so the three run the same code on the same artifact.
 */
export interface ExpressionModel {
  readonly manifest: ArtifactManifest;
  readonly classes: readonly ExpressionClass[];
  /**
   * Face crops, [n, h, w, 3] with 0..255 values (already cut from the frame with
   * `manifest.preprocessing.faceBox`), → calibrated probabilities [n, classes.length]
   * (temperature applied, flip TTA applied when the manifest asks for it).
   */
  predict(crops: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

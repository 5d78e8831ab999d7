import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import * as tf from "@tensorflow/tfjs";

import { envValue, REPO_ROOT } from "@mien/env";
import { cropFaces, cropRegion, EXPRESSION_CLASSES, type ExpressionModel } from "@mien/model";
import { loadExpressionModelFromDir } from "@mien/model/node";

import type { RgbImage } from "./decode.ts";
import type { RelativeBox } from "./embeddings.ts";

/**
 * The reference model: a trained expression model that never saw this data set's labels (by
 * default the repository's models/fer7-ensemble, trained on FER2013 train). Its probabilities join
 * the mislabel classifier's evidence, because a model that learnt its convolutions from 28k faces
 * separates expressions better than a logistic regression on the set's own labels can: on FER2013
 * val with 15% planted flips the self-confidence ranking's AUROC went 0.875 → 0.912 (see
 * thresholds.ts). A set that contains the reference's own training images (FER2013 train) gets
 * over-confident votes for them: the reference remembers those labels.
 */
export const DEFAULT_REFERENCE_DIR = join(REPO_ROOT, "models", "fer7-ensemble");

/** The configured reference version folder, or null when MIEN_SCREENING_REFERENCE is "none". */
export function referenceDir(source: NodeJS.ProcessEnv = process.env): string | null {
  const value = envValue("MIEN_SCREENING_REFERENCE", source);
  if (value === "none") return null;
  return value ? resolve(REPO_ROOT, value) : DEFAULT_REFERENCE_DIR;
}

export interface ReferenceInfo {
  /**
   * image_embedding.backbone of its probabilities: its name and a hash of its manifest (which pins
   * every weight file), so a different reference is computed afresh.
   */
  key: string;
  /** Per class of EXPRESSION_CLASSES, whether the model has it (fer7 models lack contempt). */
  knows: boolean[];
}

/** Reads a reference version folder's manifest: what its stored probabilities are called and cover. */
export function referenceInfo(dir: string): ReferenceInfo {
  let text: string;
  try {
    text = readFileSync(join(dir, "manifest.json"), "utf8");
  } catch (error) {
    throw new Error(
      `The screening reference model ${dir} has no readable manifest.json (${(error as Error).message}); set MIEN_SCREENING_REFERENCE to a model version folder, or to "none".`,
    );
  }
  const manifest = JSON.parse(text) as { name?: unknown; classes?: unknown };
  if (!Array.isArray(manifest.classes) || !manifest.classes.some((c) => (EXPRESSION_CLASSES as readonly unknown[]).includes(c)))
    throw new Error(`The screening reference model ${dir} names none of Mien's expression classes in its manifest.`);
  const classes = manifest.classes as unknown[];
  const name = typeof manifest.name === "string" ? manifest.name : "model";
  return {
    key: `reference:${name}:${createHash("sha256").update(text).digest("hex").slice(0, 12)}`,
    knows: EXPRESSION_CLASSES.map((c) => classes.includes(c)),
  };
}

/** A framed face at least this share of the image's shorter side means the image is the face crop. */
const WHOLE_IMAGE_SHARE = 0.6;

/** Largest crop side handed to the model (its members resize to their own inputs), as in the coach. */
const MAX_CROP = 112;

/**
 * Rows of probabilities over a model's `classes` as rows over EXPRESSION_CLASSES (0 for the
 * classes the model lacks; classes Mien does not know are dropped).
 */
export function toCanonical(probs: ArrayLike<number>, classes: readonly string[]): Float32Array {
  const k = EXPRESSION_CLASSES.length;
  const m = classes.length;
  if (m === 0 || probs.length % m !== 0) throw new Error(`${probs.length} probabilities are not rows over ${m} classes.`);
  const columns = EXPRESSION_CLASSES.map((c) => classes.indexOf(c));
  const rows = probs.length / m;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) columns.forEach((c, j) => (out[r * k + j] = c < 0 ? 0 : probs[r * m + c]!));
  return out;
}

export class ReferenceModel {
  private constructor(private readonly model: ExpressionModel) {}

  static async load(dir: string): Promise<ReferenceModel> {
    return new ReferenceModel(await loadExpressionModelFromDir(dir));
  }

  /**
   * Calibrated probabilities over EXPRESSION_CLASSES (0 for classes the model lacks), rows of the
   * images in order. Each face is cut the coach's way (the model's own face box around the
   * detected face); an image without a face is read whole.
   */
  async classify(images: readonly RgbImage[], boxes: readonly (RelativeBox | null)[]): Promise<Float32Array> {
    const k = EXPRESSION_CLASSES.length;
    const out = new Float32Array(images.length * k);
    const { faceBox, colour } = this.model.manifest.preprocessing;
    const cuts = images.map((image, i) => {
      const box = boxes[i];
      const face =
        box && box.length === 4 ? { x: box[0]! * image.width, y: box[1]! * image.height, width: box[2]! * image.width, height: box[3]! * image.height } : null;
      // An image the framed face would mostly fill is a face crop already, framed by whoever made
      // the data set (FER2013's 48 px faces): read it whole, as the reference was trained. The
      // screening detector's boxes are tighter than the coach's, so framing them cut FER2013 val
      // faces too close: the reference read 62.3% of them right that way, 64.0% whole.
      const fills = face !== null && cropRegion(face, faceBox, image).width >= WHOLE_IMAGE_SHARE * Math.min(image.width, image.height);
      const usable = face !== null && face.width >= 4 && face.height >= 4 && !fills;
      // A whole image is cropped as one face box, without the framing's widening.
      const region = usable ? face : { x: 0, y: 0, width: image.width, height: image.height };
      const framing = usable ? faceBox : { scale: 1, shiftY: 0 };
      // Cut at the face's own resolution (at most the coach's 112 px): a small image (FER2013's
      // 48 px faces) is not blown up here only to be shrunk again by the model's members.
      const size = Math.max(16, Math.min(MAX_CROP, Math.round(cropRegion(region, framing, image).width)));
      return { region, framing, size };
    });
    // One prediction per crop size (a FER2013-like set is one batch).
    for (const size of new Set(cuts.map((c) => c.size))) {
      const rows = cuts.flatMap((c, i) => (c.size === size ? [i] : []));
      const probs = tf.tidy(() => {
        const crops = rows.map((i) => {
          const image = images[i]!;
          const frame = tf.tensor3d(image.data, [image.height, image.width, 3], "int32");
          return cropFaces(frame, [cuts[i]!.region], { size, framing: cuts[i]!.framing, colour });
        });
        return this.model.predict(tf.concat(crops) as tf.Tensor4D);
      });
      try {
        const canonical = toCanonical((await probs.data()) as Float32Array, this.model.classes);
        rows.forEach((row, r) => out.set(canonical.subarray(r * k, (r + 1) * k), row * k));
      } finally {
        probs.dispose();
      }
    }
    return out;
  }

  dispose(): void {
    this.model.dispose();
  }
}

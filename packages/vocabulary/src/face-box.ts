// No TF.js here: job configs (packages/jobs) import the default framing too.

/**
 * How a detector's face box becomes the model's crop (the manifest's `preprocessing.faceBox`):
 * the box is made square on its larger side, scaled by `scale` about its centre and shifted down
 * by `shiftY` box heights (negative = up).
 */
export interface FaceBoxFraming {
  scale: number;
  shiftY: number;
}

/**
 * Framing for BlazeFace boxes (see face-detect/detector.ts) that makes live crops look like
 * FER2013's 48×48 training faces: the face fills the frame, ears at the sides, forehead and chin
 * slightly cut. Chosen by eye against FER2013 val faces on webcam-like frames made from real
 * photos (research/face-crop-sheet.ts); 1.25 left too much below the chin, 1.15 cut the brows.
 */
export const DEFAULT_FACE_BOX: FaceBoxFraming = { scale: 1.2, shiftY: 0 };

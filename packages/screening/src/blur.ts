import { THRESHOLDS } from "./thresholds.ts";

/**
 * Why an image is unclear, from the signals stored at import (blur, contrast) and the face
 * count. Blur and contrast need no new pass over the pixels: `analyseImage` computes them.
 */
export type UnclearCause = "blurry" | "flat" | "several_faces";

export interface UnclearInput {
  blurScore: number;
  contrast: number;
  faceCount: number | null;
}

export function unclearCauses(image: UnclearInput, thresholds = THRESHOLDS): UnclearCause[] {
  const causes: UnclearCause[] = [];
  if (image.blurScore < thresholds.blurScore) causes.push("blurry");
  if (image.contrast < thresholds.contrast) causes.push("flat");
  if (image.faceCount !== null && image.faceCount >= 2) causes.push("several_faces");
  return causes;
}

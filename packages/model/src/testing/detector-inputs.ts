import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";

import { webcamFrame, type Placement } from "./webcam-frame.ts";

/** ../shared/data seen from the repository root, found by walking up (the checkout may be a nested worktree). */
export function sharedData(from: string = import.meta.dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "shared", "data"))) return join(dir, "shared", "data");
  }
  throw new Error(`No shared/data folder above ${from}; the tests read real faces from ../shared/data.`);
}

/** An image file as a [h, w, 3] int32 RGB tensor (gray and alpha images become plain RGB). */
export async function rgbTensor(input: string | Buffer): Promise<tf.Tensor3D> {
  const { data, info } = await sharp(input).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], "int32");
}

export interface DetectorInput {
  name: string;
  image: tf.Tensor3D;
}

const WEBCAM_SCENES: ReadonlyArray<{ name: string; placements: Placement[]; width?: number; height?: number }> = [
  { name: "webcam/one-face", placements: [{ image: "Abner_Martinez_0001.jpg", left: 170, top: 90, size: 300 }] },
  { name: "webcam/empty", placements: [] },
  {
    name: "webcam/two-faces",
    placements: [
      { image: "Abner_Martinez_0001.jpg", left: 20, top: 120, size: 260 },
      { image: "Aaron_Tippin_0001.jpg", left: 360, top: 120, size: 260 },
    ],
  },
  { name: "webcam/portrait", placements: [{ image: "Aaron_Tippin_0001.jpg", left: 40, top: 200, size: 280 }], width: 360, height: 640 },
  { name: "webcam/small-face", placements: [{ image: "AJ_Cook_0001.jpg", left: 400, top: 60, size: 120 }] },
  { name: "webcam/near-edge", placements: [{ image: "Aaron_Sorkin_0001.jpg", left: 0, top: 0, size: 420 }] },
  {
    name: "webcam/three-faces",
    placements: [
      { image: "Abdullah_0001.jpg", left: 10, top: 40, size: 200 },
      { image: "Aaron_Peirsol_0002.jpg", left: 220, top: 200, size: 200 },
      { image: "Abba_Eban_0001.jpg", left: 430, top: 60, size: 200 },
    ],
  },
];

/**
 * Real images for comparing face detectors: webcam-like frames made from the bundled demo photos
 * (landscape, portrait, none to three faces), every 570th face of the facial-expressions corpus
 * (tight crops up to 160 px, colour and gray) and the first two FER2013 validation faces of each
 * class (48 px gray).
 */
export async function detectorInputs(): Promise<DetectorInput[]> {
  const inputs: DetectorInput[] = [];
  for (const scene of WEBCAM_SCENES) inputs.push({ name: scene.name, image: await webcamFrame(scene.placements, scene.width, scene.height) });
  const data = sharedData();
  const corpus = join(data, "facial-expressions", "images");
  const names = readdirSync(corpus).sort();
  for (let i = 0; i < names.length; i += 570) inputs.push({ name: `facial-expressions/${names[i]}`, image: await rgbTensor(join(corpus, names[i]!)) });
  const fer = join(data, "fer2013", "val");
  for (const cls of readdirSync(fer).sort()) {
    for (const file of readdirSync(join(fer, cls)).sort().slice(0, 2))
      inputs.push({ name: `fer2013/val/${cls}/${file}`, image: await rgbTensor(join(fer, cls, file)) });
  }
  return inputs;
}

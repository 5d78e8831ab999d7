import { join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { rgbTensor as rgb, sharedData } from "../testing/detector-inputs.ts";
import { PHOTO_FACE_DETECTOR } from "./config.ts";
import { FaceDetector, faceFractions, type DetectOptions, type FaceBox } from "./detector.ts";

const FACES = join(sharedData(import.meta.dirname), "facial-expressions", "images");

let detector: FaceDetector;
beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
  detector = await FaceDetector.load(nodeModelSources().human, PHOTO_FACE_DETECTOR);
});
afterAll(() => detector?.dispose());

/** Faces in each image as fractions of it, the form screening keeps. */
async function detect(images: tf.Tensor3D[], options?: DetectOptions): Promise<FaceBox[][]> {
  const found = await detector.detectBatch(images, options);
  return found.map((faces, i) => faces.map((f) => faceFractions(f, images[i]!.shape[1], images[i]!.shape[0])));
}

describe("FaceDetector with the photo configuration on real faces", () => {
  it("finds the one face of a tight crop once given a border, centred and face-sized", async () => {
    const image = await rgb(`${FACES}/Aaron_Eckhart_0001.jpg`);
    const [faces] = await detect([image], { margin: 0.25 });
    image.dispose();
    expect(faces).toHaveLength(1);
    const face = faces![0]!;
    expect(face.score).toBeGreaterThan(0.7);
    expect(face.x + face.width / 2).toBeCloseTo(0.5, 1);
    expect(face.width).toBeGreaterThan(0.4);
    expect(face.width).toBeLessThanOrEqual(1);
  });

  it("finds two faces placed side by side, left one first or second but both inside their halves", async () => {
    const left = await sharp(`${FACES}/Aaron_Eckhart_0001.jpg`).resize(120, 120).toBuffer();
    const right = await sharp(`${FACES}/Amber_Frey_0001.jpg`).resize(120, 120).toBuffer();
    const pair = await sharp({ create: { width: 300, height: 160, channels: 3, background: "#404040" } })
      .composite([
        { input: left, left: 10, top: 20 },
        { input: right, left: 170, top: 20 },
      ])
      .png()
      .toBuffer();
    const image = await rgb(pair);
    const [faces] = await detect([image]);
    image.dispose();
    expect(faces).toHaveLength(2);
    const centres = faces!.map((f) => f.x + f.width / 2).sort();
    expect(centres[0]).toBeLessThan(0.5);
    expect(centres[1]).toBeGreaterThan(0.5);
  });

  it("finds nothing in a frame without a face, and detects a batch in one call", async () => {
    const flat = await rgb(
      await sharp({ create: { width: 160, height: 120, channels: 3, background: "#7a8a99" } })
        .png()
        .toBuffer(),
    );
    const face = await rgb(`${FACES}/Amber_Frey_0001.jpg`);
    const [none, one] = await detect([flat, face], { margin: 0.25 });
    tf.dispose([flat, face]);
    expect(none).toEqual([]);
    expect(one).toHaveLength(1);
  });
});

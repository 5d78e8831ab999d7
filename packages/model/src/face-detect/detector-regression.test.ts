import { readFileSync } from "node:fs";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { detectorInputs, type DetectorInput } from "../testing/detector-inputs.ts";
import { PHOTO_FACE_DETECTOR, WEBCAM_FACE_DETECTOR } from "./config.ts";
import { FaceDetector, faceFractions, type DetectedFace, type DetectOptions, type FaceBox } from "./detector.ts";

/**
 * What the two detectors this one replaced returned on the same images (`BlazeFaceDetector`, the
 * coach's, and `ShortRangeFaceDetector`, screening's, at d9c7757 on the wasm backend): pixel boxes
 * with keypoints from the webcam runs, fractions of the image from the photo runs.
 */
interface Recorded {
  inputs: string[];
  outputs: {
    "webcam default": Record<string, DetectedFace[]>;
    "webcam minScore 0.3 maxFaces 10": Record<string, DetectedFace[]>;
    "screening margin 0.25 minScore 0.05": Record<string, FaceBox[]>;
    "photos default": Record<string, FaceBox[]>;
  };
}
const recorded = JSON.parse(readFileSync(new URL("./fixtures/detector-outputs.json", import.meta.url), "utf8")) as Recorded;

/** Frame pixels (boxes up to 640 px): the old webcam decoding was float64 too, so only the order of operations differs. */
const PIXELS = 1e-9;
/** Fractions and scores: the old photo decoding ran in float32 tensors (~6e-8 relative). */
const FRACTIONS = 1e-6;

let inputs: DetectorInput[];
let webcam: FaceDetector;
let photos: FaceDetector;
beforeAll(async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  const human = nodeModelSources().human;
  [webcam, photos, inputs] = await Promise.all([
    FaceDetector.load(human, WEBCAM_FACE_DETECTOR),
    FaceDetector.load(human, PHOTO_FACE_DETECTOR),
    detectorInputs(),
  ]);
}, 120_000);
afterAll(() => {
  webcam?.dispose();
  photos?.dispose();
  tf.dispose(inputs?.map((i) => i.image));
});

async function webcamRun(options: DetectOptions): Promise<Record<string, DetectedFace[]>> {
  const out: Record<string, DetectedFace[]> = {};
  for (const { name, image } of inputs) out[name] = await webcam.detect(image, options);
  return out;
}

/** Screening's way: batches of eight, boxes as fractions of each image. */
async function photoRun(options: DetectOptions): Promise<Record<string, FaceBox[]>> {
  const out: Record<string, FaceBox[]> = {};
  for (let i = 0; i < inputs.length; i += 8) {
    const batch = inputs.slice(i, i + 8);
    const found = await photos.detectBatch(
      batch.map((b) => b.image),
      options,
    );
    batch.forEach((b, k) => (out[b.name] = found[k]!.map((f) => faceFractions(f, b.image.shape[1], b.image.shape[0]))));
  }
  return out;
}

/** The largest difference between two runs' numbers, after checking that every image has as many faces in both. */
function largestDifference<T>(now: Record<string, T[]>, before: Record<string, T[]>, numbers: (face: T) => number[]): number {
  expect(Object.keys(now)).toEqual(recorded.inputs);
  let largest = 0;
  for (const name of recorded.inputs) {
    expect(now[name]!.length, name).toBe(before[name]!.length);
    now[name]!.forEach((face, k) => {
      const a = numbers(face);
      const b = numbers(before[name]![k]!);
      a.forEach((v, j) => (largest = Math.max(largest, Math.abs(v - b[j]!))));
    });
  }
  return largest;
}

const pixelNumbers = (f: DetectedFace) => [f.box.x, f.box.y, f.box.width, f.box.height, ...f.keypoints.flat()];
const fractionNumbers = (f: FaceBox) => [f.x, f.y, f.width, f.height, f.score];

describe("one FaceDetector for the webcam and for photos returns what the two old detectors did", () => {
  it("covers faces and empty frames", () => {
    const counts = Object.values(recorded.outputs["webcam default"]).map((faces) => faces.length);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(2);
    expect(counts.filter((n) => n > 1).length).toBeGreaterThan(1);
    expect(Object.values(recorded.outputs["screening margin 0.25 minScore 0.05"]).some((faces) => faces.length === 10)).toBe(true);
  });

  for (const [run, options] of [
    ["webcam default", {}],
    ["webcam minScore 0.3 maxFaces 10", { minScore: 0.3, maxFaces: 10 }],
  ] as const) {
    it(`webcam configuration, ${run}: same faces, boxes and keypoints, same scores`, async () => {
      const now = await webcamRun(options);
      expect(largestDifference(now, recorded.outputs[run], pixelNumbers)).toBeLessThanOrEqual(PIXELS);
      expect(largestDifference(now, recorded.outputs[run], (f) => [f.score])).toBeLessThanOrEqual(PIXELS);
    });
  }

  for (const [run, options] of [
    ["screening margin 0.25 minScore 0.05", { margin: 0.25, minScore: 0.05 }],
    ["photos default", {}],
  ] as const) {
    it(`photo configuration, ${run}: same faces, boxes and scores`, async () => {
      const now = await photoRun(options);
      expect(largestDifference(now, recorded.outputs[run], fractionNumbers)).toBeLessThanOrEqual(FRACTIONS);
    });
  }
});

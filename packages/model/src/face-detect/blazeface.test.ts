import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { webcamFrame } from "../testing/webcam-frame.ts";
import { blazeFaceAnchors } from "./anchors.ts";
import { BlazeFaceDetector } from "./blazeface.ts";
import { iou, weightedNms } from "./nms.ts";

let detector: BlazeFaceDetector;

beforeAll(async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  detector = await BlazeFaceDetector.load(nodeModelSources().human);
});
afterAll(() => detector.dispose());

describe("BlazeFaceDetector on real photos", () => {
  it("finds the one face in a webcam-like frame, inside the photo, with eyes above the mouth", async () => {
    const frame = await webcamFrame([{ image: "Abner_Martinez_0001.jpg", left: 170, top: 90, size: 300 }]);
    const faces = await detector.detect(frame);
    frame.dispose();
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face!.score).toBeGreaterThan(0.8);
    const { x, y, width, height } = face!.box;
    expect(x).toBeGreaterThanOrEqual(170);
    expect(y).toBeGreaterThanOrEqual(90);
    expect(x + width).toBeLessThanOrEqual(470);
    expect(y + height).toBeLessThanOrEqual(390);
    expect(width).toBeGreaterThan(120);
    const [rightEye, leftEye, , mouth] = face!.keypoints;
    expect(rightEye![1]).toBeLessThan(mouth![1]);
    expect(leftEye![1]).toBeLessThan(mouth![1]);
    // The person's right eye is on the image's left.
    expect(rightEye![0]).toBeLessThan(leftEye![0]);
  });

  it("finds no face in an empty frame", async () => {
    const frame = await webcamFrame([]);
    expect(await detector.detect(frame)).toEqual([]);
    frame.dispose();
  });

  it("finds two faces side by side, most confident first", async () => {
    const frame = await webcamFrame([
      { image: "Abner_Martinez_0001.jpg", left: 20, top: 120, size: 260 },
      { image: "Aaron_Tippin_0001.jpg", left: 360, top: 120, size: 260 },
    ]);
    const faces = await detector.detect(frame);
    frame.dispose();
    expect(faces).toHaveLength(2);
    expect(faces[0]!.score).toBeGreaterThanOrEqual(faces[1]!.score);
    const centres = faces.map((f) => f.box.x + f.box.width / 2).sort((a, b) => a - b);
    expect(centres[0]).toBeLessThan(280);
    expect(centres[1]).toBeGreaterThan(360);
  });

  it("letterboxes portrait frames too (boxes stay in frame coordinates)", async () => {
    const frame = await webcamFrame([{ image: "Aaron_Tippin_0001.jpg", left: 40, top: 200, size: 280 }], 360, 640);
    const faces = await detector.detect(frame);
    frame.dispose();
    expect(faces).toHaveLength(1);
    expect(faces[0]!.box.y).toBeGreaterThanOrEqual(200);
    expect(faces[0]!.box.y + faces[0]!.box.height).toBeLessThanOrEqual(480);
  });
});

describe("anchors and suppression", () => {
  it("lays out MediaPipe's 896 short-range anchors", () => {
    const anchors = blazeFaceAnchors(128);
    expect(anchors).toHaveLength(896);
    expect(anchors[0]).toEqual([4, 4]);
    expect(anchors[1]).toEqual([4, 4]);
    expect(anchors[2]).toEqual([12, 4]);
    expect(anchors[512]).toEqual([8, 8]);
    expect(anchors[895]).toEqual([120, 120]);
  });

  it("merges overlapping candidates by score-weighted mean and keeps separate faces apart", () => {
    const kept = weightedNms(
      [
        { box: [0, 0, 10, 10], score: 0.9, points: [5, 5] },
        { box: [1, 1, 11, 11], score: 0.3, points: [7, 7] },
        { box: [50, 50, 60, 60], score: 0.8, points: [55, 55] },
      ],
      0.3,
      5,
    );
    expect(kept).toHaveLength(2);
    expect(kept[0]!.score).toBe(0.9);
    expect(kept[0]!.box[0]).toBeCloseTo(0.25);
    expect(kept[0]!.points[0]).toBeCloseTo(5.5);
    expect(kept[1]!.box).toEqual([50, 50, 60, 60]);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
    expect(weightedNms(kept, 0.3, 1)).toHaveLength(1);
  });
});

describe("tensor hygiene", () => {
  it("leaves no tensors behind after a detection", async () => {
    const frame = await webcamFrame([{ image: "Aaron_Tippin_0001.jpg", left: 170, top: 90, size: 300 }]);
    const before = tf.memory().numTensors;
    await detector.detect(frame);
    expect(tf.memory().numTensors).toBe(before);
    frame.dispose();
  });
});

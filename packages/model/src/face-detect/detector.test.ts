import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { webcamFrame } from "../testing/webcam-frame.ts";
import { blazeFaceAnchors } from "./anchors.ts";
import { WEBCAM_FACE_DETECTOR } from "./config.ts";
import { FaceDetector } from "./detector.ts";
import { greedyNms, iou, weightedNms, type Candidate } from "./nms.ts";

let detector: FaceDetector;

beforeAll(async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  detector = await FaceDetector.load(nodeModelSources().human, WEBCAM_FACE_DETECTOR);
});
afterAll(() => detector.dispose());

describe("FaceDetector with the webcam configuration on real photos", () => {
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

describe("greedy suppression", () => {
  it("keeps what tf.image.nonMaxSuppression keeps, flipped corners and tied scores included", async () => {
    // Overlapping clusters of boxes, some with swapped corners, scores on a coarse grid so some tie.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const candidates: Candidate[] = Array.from({ length: 300 }, () => {
      const cx = Math.floor(random() * 4) * 30 + random() * 12;
      const cy = Math.floor(random() * 3) * 30 + random() * 12;
      const w = 8 + random() * 20;
      const h = 8 + random() * 20;
      const box: Candidate["box"] = random() < 0.2 ? [cx + w, cy, cx, cy + h] : [cx, cy, cx + w, cy + h];
      return { box, score: Math.round(random() * 40) / 40, points: [] };
    });
    for (const [iouThreshold, maxFaces, minScore] of [
      [0.3, 10, 0.05],
      [0.5, 300, 0.5],
      [0.1, 5, 0.6],
    ] as const) {
      const boxes = tf.tensor2d(candidates.map((c) => [c.box[1], c.box[0], c.box[3], c.box[2]]));
      const scores = tf.tensor1d(candidates.map((c) => c.score));
      const keep = await tf.image.nonMaxSuppressionAsync(boxes, scores, maxFaces, iouThreshold, minScore);
      const expected = Array.from(await keep.data(), (i) => candidates[i]!);
      tf.dispose([boxes, scores, keep]);
      expect(greedyNms(candidates, iouThreshold, maxFaces, minScore)).toEqual(expected);
    }
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

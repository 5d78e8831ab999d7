import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { classifyCanonical, loadZeroShot } from "../backbones/index.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { EXPRESSION_CLASSES } from "../classes.ts";
import { cropFaces } from "../face-crop.ts";
import { WEBCAM_FACE_DETECTOR } from "../face-detect/config.ts";
import { FaceDetector } from "../face-detect/detector.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { webcamFrame } from "../testing/webcam-frame.ts";
import { ZERO_SHOT_CLASSES, ZeroShotExpressionModel } from "./zero-shot-expression-model.ts";

let detector: FaceDetector;
let model: ZeroShotExpressionModel;

beforeAll(async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  const sources = nodeModelSources();
  detector = await FaceDetector.load(sources.human, WEBCAM_FACE_DETECTOR);
  model = await ZeroShotExpressionModel.load(sources);
});
afterAll(() => {
  detector.dispose();
  model.dispose();
});

/** Detects the face in a photo placed on a webcam-sized frame and crops it the model's way. */
async function cropOf(image: string): Promise<tf.Tensor4D> {
  const frame = await webcamFrame([{ image, left: 170, top: 90, size: 300 }]);
  const [face] = await detector.detect(frame);
  if (!face) throw new Error(`no face found in ${image}`);
  const crops = cropFaces(frame, [face.box], { size: 112, framing: model.manifest.preprocessing.faceBox, colour: model.manifest.preprocessing.colour });
  frame.dispose();
  return crops;
}

async function readout(image: string): Promise<{ top: string; probs: number[] }> {
  const crops = await cropOf(image);
  const p = model.predict(crops);
  const probs = [...(await p.data())];
  tf.dispose([crops, p]);
  const top = ZERO_SHOT_CLASSES[probs.indexOf(Math.max(...probs))]!;
  return { top, probs };
}

describe("ZeroShotExpressionModel on real faces", () => {
  it("reads a smiling face as happiness and a gaping one as surprise", async () => {
    const happy = await readout("Abner_Martinez_0001.jpg");
    const surprised = await readout("Augustin_Calleri_0004.jpg");
    expect(happy.top).toBe("happiness");
    expect(surprised.top).toBe("surprise");
    for (const { probs } of [happy, surprised]) {
      expect(probs).toHaveLength(ZERO_SHOT_CLASSES.length);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  });

  it("is softer than the raw net (temperature scaling), never more certain", async () => {
    const crops = await cropOf("Abner_Martinez_0001.jpg");
    const raw = classifyCanonical(await loadZeroShot("faceapi-expression", nodeModelSources()), crops);
    const rawMax = Math.max(...(await raw.data()));
    const calibrated = model.predict(crops);
    const calMax = Math.max(...(await calibrated.data()));
    tf.dispose([crops, raw, calibrated]);
    expect(model.manifest.calibration.temperature).toBeGreaterThan(1);
    expect(calMax).toBeLessThan(rawMax);
    expect(calMax).toBeGreaterThan(model.manifest.calibration.abstainThreshold);
  });

  it("names its classes in canonical order, without contempt", () => {
    expect([...model.classes]).toEqual(EXPRESSION_CLASSES.filter((c) => c !== "contempt"));
    expect(model.manifest.classes).toEqual([...model.classes]);
  });
});

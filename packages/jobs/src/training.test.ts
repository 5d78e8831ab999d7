import { describe, expect, it } from "vitest";

import { CONV_MODE_DEFAULTS, DEFAULT_TRAINING_CONFIG, estimateTrainingMinutes, MEASURED_THROUGHPUT, trainingConfig } from "./training.ts";

const scratch = (over: Record<string, unknown> = {}) =>
  trainingConfig.parse({
    ...DEFAULT_TRAINING_CONFIG,
    ...CONV_MODE_DEFAULTS.scratch,
    augmentations: { ...DEFAULT_TRAINING_CONFIG.augmentations, copies: 0 },
    mode: "scratch",
    name: "m",
    snapshotId: "00000000-0000-4000-8000-000000000000",
    ...over,
  });

describe("training time estimates", () => {
  it("add the teacher's one pass over the training images to a distilled scratch job", () => {
    const plain = estimateTrainingMinutes(scratch(), 27_203, 3_563);
    const taught = estimateTrainingMinutes(scratch({ conv: { distill: { teacher: "v2", weight: 0.6 } } }), 27_203, 3_563);
    // FER2013's train split: 30 epochs of cnn-s take about 80 min; the teacher adds its 27,203 predictions.
    expect(plain).toBeGreaterThan(70);
    expect(taught - plain).toBeCloseTo(27_203 / MEASURED_THROUGHPUT.teacherImagesPerSecond / 60, -0.5);
  });
});

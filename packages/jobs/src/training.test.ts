import { describe, expect, it } from "vitest";

import {
  configProblems,
  CONV_MODE_DEFAULTS,
  DEFAULT_TRAINING_CONFIG,
  estimateTrainingSeconds,
  MEASURED_THROUGHPUT,
  trainingConfig,
  unrunnableReason,
} from "./training.ts";

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
    const plain = estimateTrainingSeconds(scratch(), 27_203, 3_563) / 60;
    const taught = estimateTrainingSeconds(scratch({ conv: { distill: { teacher: "v2", weight: 0.6 } } }), 27_203, 3_563) / 60;
    // FER2013's train split: 30 epochs of cnn-s take about 80 min; the teacher adds its 27,203 predictions.
    expect(plain).toBeGreaterThan(70);
    expect(taught - plain).toBeCloseTo(27_203 / MEASURED_THROUGHPUT.teacherImagesPerSecond / 60, -0.5);
  });
});

describe("a cohort (networks trained together)", () => {
  it("costs a network's training per member, and only a scratch job can train one", () => {
    const one = estimateTrainingSeconds(scratch(), 27_203, 3_563) / 60;
    const two = estimateTrainingSeconds(scratch({ conv: { cohort: { members: 2 } } }), 27_203, 3_563) / 60;
    const epochs = (27_203 * CONV_MODE_DEFAULTS.scratch.epochs) / MEASURED_THROUGHPUT.convImagesPerSecond["cnn-s"] / 60;
    expect(two - one).toBeCloseTo(epochs, -0.5);
    expect(scratch({ conv: { cohort: { members: 3 } } }).conv.cohort).toEqual({ members: 3, weight: 0.5, burnIn: 0, dropRate: 0 });
    expect(() => scratch({ conv: { cohort: { members: 2, dropRate: 0.6 } } })).toThrow(/Skipped share is 0 to 0.5/);
    expect(unrunnableReason(scratch({ conv: { cohort: { members: 2 } } }))).toBeNull();
    expect(unrunnableReason(scratch({ mode: "head", colour: "rgb", conv: { cohort: { members: 2 } } }))).toMatch(/A cohort trains CNNs from scratch together/);
    expect(() => scratch({ conv: { cohort: { members: 5 } } })).toThrow(/A cohort has 2 to 4 members/);
    expect(() => scratch({ conv: { cohort: { members: 1 } } })).toThrow(/A cohort has 2 to 4 members/);
  });

  it("takes a burn-in of whole epochs that leaves some epochs for learning from each other", () => {
    expect(unrunnableReason(scratch({ epochs: 20, conv: { cohort: { members: 2, burnIn: 6 } } }))).toBeNull();
    expect(unrunnableReason(scratch({ epochs: 20, conv: { cohort: { members: 2, burnIn: 20 } } }))).toBe(
      "A burn-in of 20 epochs leaves none of the 20 for the networks to learn from each other; shorten it.",
    );
    expect(() => scratch({ conv: { cohort: { members: 2, burnIn: -1 } } })).toThrow(/Burn-in is a number of epochs, 0 or more/);
    expect(() => scratch({ conv: { cohort: { members: 2, burnIn: 1.5 } } })).toThrow();
  });
});

describe("configProblems", () => {
  const problemsOf = (config: Record<string, unknown>) => {
    const parsed = trainingConfig.safeParse({ name: "m", snapshotId: "00000000-0000-4000-8000-000000000000", ...config });
    expect(parsed.success).toBe(false);
    return parsed.success ? [] : configProblems(parsed.error.issues);
  };

  it("names each wrong field as the form does, with its bound, once", () => {
    expect(problemsOf({ learningRate: { initial: 5 } })).toEqual(["Learning rate must be at most 1."]);
    expect(problemsOf({ batchSize: 2 })).toEqual(["Batch size must be at least 8."]);
    expect(problemsOf({ head: { hidden: [Number.NaN] } })).toEqual(["Hidden layers needs a number."]);
    expect(problemsOf({ augmentations: { rotation: { enabled: true, amount: 90 } } })).toEqual(["Rotation strength must be at most 45."]);
    expect(problemsOf({ epochs: 0 })).toEqual(["Epochs must be at least 1."]);
    expect(problemsOf({ mode: "distill" })).toEqual(["Mode must be one of head, finetune, scratch."]);
    expect(problemsOf({ classes: ["anger"] })).toEqual(["Pick at least two classes."]);
    expect(problemsOf({ conv: { cohort: { members: 2, dropRate: 0.7 } } })).toEqual(["Share of each batch to skip must be at most 0.5."]);
  });

  it("keeps the schema's own sentence for a text field, once per field", () => {
    expect(problemsOf({ name: "" })).toEqual(["Give the model a name."]);
  });
});

describe("progressive resizing (smaller faces first)", () => {
  it("is checked, refused outside scratch or when no epoch is left at full size, and shortens the estimate", () => {
    expect(scratch({ conv: { progressive: { startSide: 32, epochs: 20 } } }).conv.progressive).toEqual({ startSide: 32, epochs: 20 });
    expect(() => scratch({ conv: { progressive: { startSide: 16, epochs: 20 } } })).toThrow(/The starting face size is a multiple of 4 px from 24 to 44/);
    expect(() => scratch({ conv: { progressive: { startSide: 48, epochs: 20 } } })).toThrow(/The starting face size is a multiple of 4 px from 24 to 44/);
    expect(() => scratch({ conv: { progressive: { startSide: 30, epochs: 20 } } })).toThrow(/The starting face size is a multiple of 4 px from 24 to 44/);
    expect(() => scratch({ conv: { progressive: { startSide: 32, epochs: 0 } } })).toThrow(/Growing takes a whole number of epochs/);
    expect(unrunnableReason(scratch({ conv: { progressive: { startSide: 32, epochs: 29 } } }))).toBeNull();
    expect(unrunnableReason(scratch({ conv: { progressive: { startSide: 32, epochs: 30 } } }))).toBe(
      "Growing the faces over 30 epochs leaves none of the 30 at full size; grow over fewer epochs.",
    );
    expect(unrunnableReason(scratch({ mode: "finetune", conv: { progressive: { startSide: 32, epochs: 5 } } }))).toMatch(
      /Smaller faces first is for training from scratch/,
    );
    const plain = estimateTrainingSeconds(scratch(), 27_203, 3_563);
    const resized = estimateTrainingSeconds(scratch({ conv: { progressive: { startSide: 32, epochs: 20 } } }), 27_203, 3_563);
    expect(resized / plain).toBeGreaterThan(0.6);
    expect(resized / plain).toBeLessThan(0.85);
  });

  it("names its fields in the form's words", () => {
    const problems = configProblems(
      trainingConfig.safeParse({ ...scratch(), conv: { ...scratch().conv, progressive: { startSide: 52, epochs: -1 } } }).error!.issues,
    );
    expect(problems).toEqual([
      "Starting face size must be at most 44; full-size faces (48 px) throughout need no resizing.",
      "Epochs to grow to full size must be at least 1.",
    ]);
    const odd = trainingConfig.safeParse({ ...scratch(), conv: { ...scratch().conv, progressive: { startSide: 30, epochs: 10 } } }).error!.issues;
    expect(configProblems(odd)).toEqual(["Starting face size must be a multiple of 4."]);
  });
});

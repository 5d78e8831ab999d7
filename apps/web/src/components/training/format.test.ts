import { describe, expect, it } from "vitest";

import { roughly, stageText } from "./format.ts";

describe("a training job's stage in words", () => {
  it("names what trains by the job's mode", () => {
    expect(stageText("training", "head")).toBe("Training the head");
    expect(stageText("training", "finetune")).toBe("Fine-tuning the top blocks");
    expect(stageText("training", "scratch")).toBe("Training the network");
  });

  it("calls a fine-tuning job's embedding stage its one pass through the frozen blocks, and keeps the other stages", () => {
    expect(stageText("embedding", "finetune")).toBe("Running the frozen blocks once");
    expect(stageText("embedding", "head")).toBe("Embedding images");
    expect(stageText("queued", "scratch")).toBe("Waiting for a worker");
    expect(stageText("something-new", "head")).toBe("something-new");
  });
});

describe("a time estimate in words", () => {
  it("says seconds under a minute, to the nearest 5, and whole minutes above", () => {
    expect(roughly(2)).toBe("about 5 s");
    expect(roughly(23)).toBe("about 25 s");
    expect(roughly(57)).toBe("about 55 s");
    expect(roughly(58)).toBe("about 1 min");
    expect(roughly(5_400)).toBe("about 90 min");
  });
});

import { describe, expect, it } from "vitest";

import { stageText } from "./format.ts";

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

import { describe, expect, it } from "vitest";

import { suggestionOf } from "./review-keys.ts";
import { mislabelReason } from "./screening-signals.ts";

describe("mislabelReason", () => {
  const flagged = { label: "happiness", suggestedLabel: "surprise", labelConfidence: 0.04, suggestedConfidence: 0.812, labelThreshold: 0.38 };

  it("names both probabilities and the threshold the given label fell below", () => {
    expect(mislabelReason(flagged)).toBe("the model gives happiness 4% and surprise 81%; images labelled happiness usually get ≥ 38%");
  });

  it("says only what it knows for images screened before the threshold was stored", () => {
    expect(mislabelReason({ ...flagged, suggestedConfidence: null, labelThreshold: null })).toBe("the model gives happiness 4%");
  });

  it("says nothing when screening suggests the image's own label or nothing", () => {
    expect(mislabelReason({ ...flagged, suggestedLabel: "happiness" })).toBeNull();
    expect(mislabelReason({ ...flagged, suggestedLabel: null })).toBeNull();
  });
});

describe("suggestionOf (the s key)", () => {
  it("relabels only to a suggestion that differs from the label", () => {
    expect(suggestionOf({ label: "happiness", suggestedLabel: "surprise" })).toBe("surprise");
    expect(suggestionOf({ label: "happiness", suggestedLabel: "happiness" })).toBeNull();
    expect(suggestionOf({ label: "happiness", suggestedLabel: null })).toBeNull();
  });
});

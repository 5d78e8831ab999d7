import { describe, expect, it } from "vitest";

import { describeReadout, percent, rank, shareText } from "./readout.ts";

describe("describeReadout", () => {
  it("gives the top three, most likely first, and is clear at or above the abstain threshold", () => {
    const r = describeReadout([0.1, 0.5, 0.15, 0.25], ["anger", "happiness", "neutral", "surprise"], 0.44);
    expect(r.clear).toBe(true);
    expect(r.top.map(shareText)).toEqual(["happiness 50%", "surprise 25%", "neutral 15%"]);
  });

  it("is unclear below the threshold", () => {
    expect(describeReadout([0.3, 0.35, 0.35], ["anger", "fear", "sadness"], 0.44).clear).toBe(false);
  });

  it("refuses probabilities that do not match the classes", () => {
    expect(() => rank([0.5, 0.5], ["anger"])).toThrow(/disagree/);
    expect(percent(0.456)).toBe("46%");
  });
});

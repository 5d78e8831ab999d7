import { describe, expect, it } from "vitest";

import { screeningOptions } from "./options.ts";

describe("screening options", () => {
  it("leave the mislabel ceiling to THRESHOLDS unless a study sets one", () => {
    expect(screeningOptions.parse({}).mislabelCeiling).toBeUndefined();
    expect(screeningOptions.parse({ stages: ["mislabel", "flags"], mislabelCeiling: 0.1 }).mislabelCeiling).toBe(0.1);
  });

  it("refuse a mislabel ceiling outside (0, 1] with a reason", () => {
    const messages = (ceiling: unknown) => {
      const parsed = screeningOptions.safeParse({ mislabelCeiling: ceiling });
      return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
    };
    expect(messages(0)).toEqual(["The mislabel ceiling must be above 0."]);
    expect(messages(1.5)).toEqual(["The mislabel ceiling must be at most 1."]);
    expect(messages("0.1")).toHaveLength(1);
  });
});

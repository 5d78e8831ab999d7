import { describe, expect, it } from "vitest";

import { changeText } from "./activity-text.ts";

describe("an audit row's change in words", () => {
  it("names the versions a promotion or roll back moved between", () => {
    const row = (action: string, before: unknown) => ({ action, entityId: "active", before, after: { versionId: "b", number: 3 } });
    expect(changeText(row("model.promote", { versionId: "a", number: 1 }))).toBe("active: version 1 → version 3");
    expect(changeText(row("model.rollback", { versionId: "a", number: 4 }))).toBe("active: version 4 → version 3");
    expect(changeText(row("model.bootstrap", null))).toBe("active: none → version 3");
  });

  it("names the training job and the pinned set", () => {
    const job = "0f3c2a9e-1111-4222-8333-444455556666";
    expect(changeText({ action: "training.start", entityId: job, before: null, after: { name: "demo-first", snapshotId: "s" } })).toBe("“demo-first”");
    expect(changeText({ action: "training.cancel", entityId: job, before: null, after: null })).toBe("job 0f3c2a9e");
    expect(changeText({ action: "evalset.pin", entityId: "e", before: null, after: { name: "FER2013 PublicTest", imageCount: 3589 } })).toBe(
      "“FER2013 PublicTest”, 3,589 images",
    );
  });
});

import { describe, expect, it } from "vitest";
import { createAttemptLimit } from "./attempt-limit.ts";

describe("createAttemptLimit", () => {
  it("allows max attempts per key and window, then resets", () => {
    let now = 0;
    const limit = createAttemptLimit({ window: 10, max: 2 }, () => now);
    expect([limit.consume("a"), limit.consume("a"), limit.consume("a")]).toEqual([true, true, false]);
    expect(limit.consume("b")).toBe(true);
    now = 10_000;
    expect(limit.consume("a")).toBe(true);
  });
});

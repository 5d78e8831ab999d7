import { describe, expect, it } from "vitest";

import type { ExpressionClass } from "@mien/model";

import { PracticeAttempt, secondsLeft, summarise } from "./practice.ts";

const CLASSES: ExpressionClass[] = ["anger", "fear", "happiness", "neutral", "surprise"];
const p = (shares: Partial<Record<ExpressionClass, number>>) => {
  const given = Object.values(shares).reduce((a, b) => a + b, 0);
  const rest = (1 - given) / (CLASSES.length - Object.keys(shares).length);
  return CLASSES.map((c) => shares[c] ?? rest);
};
const settings = { target: "happiness" as const, holdMs: 2000, limitMs: 10_000, threshold: 0.5 };

describe("PracticeAttempt", () => {
  it("succeeds once the target is held for the hold time, and scores that stretch", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    for (let t = 0; t < 1000; t += 100) a.update(t, p({ neutral: 0.7 }));
    let state = a.state;
    for (let t = 1000; state.phase === "running"; t += 100) state = a.update(t, p({ happiness: 0.8, surprise: 0.1 }));
    expect(state.phase).toBe("done");
    expect(state.result).toMatchObject({ target: "happiness", succeeded: true, score: 80, holdMs: 2000 });
    expect(state.result!.durationMs).toBe(3000);
    expect(state.result!.readAs[0]).toEqual({ expression: "happiness", probability: expect.closeTo(0.8, 6) });
    expect(summarise(state.result!)).toBe("Read as happiness 80%; next came surprise 10%.");
  });

  it("scores the held stretch when readings come a few a second, not the surprised face before it", () => {
    // About 1.5 readings a second on a busy machine: the hold completes between two happy readings
    // 2.1 s apart, and no stretch of the hold's own length holds only happy readings.
    const a = new PracticeAttempt(settings, CLASSES, 0);
    a.update(0, p({ surprise: 0.8 }));
    a.update(700, p({ surprise: 0.8 }));
    a.update(1400, p({ happiness: 0.75, surprise: 0.15 }));
    a.update(2100, p({ happiness: 0.75, surprise: 0.15 }));
    const state = a.update(3500, p({ happiness: 0.75, surprise: 0.15 }));
    expect(state.phase).toBe("done");
    expect(state.result).toMatchObject({ succeeded: true, score: 75 });
    expect(state.result!.readAs[0]!.expression).toBe("happiness");
  });

  it("restarts the hold timer when the expression slips", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    for (let t = 0; t <= 1500; t += 100) a.update(t, p({ happiness: 0.7 }));
    expect(a.state.heldMs).toBe(1500);
    a.update(1600, p({ happiness: 0.3 }));
    expect(a.state.heldMs).toBe(0);
    a.update(1700, p({ happiness: 0.7 }));
    expect(a.state).toMatchObject({ phase: "running", heldMs: 0 });
  });

  it("resets the hold when the face leaves the frame", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    for (let t = 0; t <= 1500; t += 100) a.update(t, p({ happiness: 0.7 }));
    a.update(1600, null);
    expect(a.state).toMatchObject({ heldMs: 0, level: 0 });
  });

  it("fails when time runs out, and says what the face read as instead", () => {
    const a = new PracticeAttempt({ ...settings, target: "fear" }, CLASSES, 0);
    let state = a.state;
    for (let t = 0; state.phase === "running"; t += 100) state = a.update(t, p({ surprise: 0.4, fear: 0.3, neutral: 0.2 }));
    expect(state.result).toMatchObject({ target: "fear", succeeded: false, score: 30 });
    expect(state.result!.durationMs).toBe(10_000);
    expect(state.result!.readAs.map((s) => s.expression)).toEqual(["surprise", "fear", "neutral"]);
    expect(summarise(state.result!)).toBe("Read as surprise 40% instead (fear 30%).");
  });

  it("does not let one lucky frame set the score", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    for (let t = 0; t < 5000; t += 100) a.update(t, t === 2500 ? p({ happiness: 0.99 }) : p({ happiness: 0.2 }));
    const state = a.stop(5000);
    expect(state.result!.score).toBeLessThan(30);
  });

  it("scores a short stopped attempt on everything it saw", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    a.update(0, p({ happiness: 0.4 }));
    a.update(100, p({ happiness: 0.6 }));
    expect(a.stop(150).result).toMatchObject({ score: 50, succeeded: false });
  });

  it("summarises an attempt with no face in view", () => {
    const a = new PracticeAttempt(settings, CLASSES, 0);
    a.update(0, null);
    const result = a.stop(100).result!;
    expect(result.readAs).toEqual([]);
    expect(summarise(result)).toMatch(/No face/);
  });

  it("refuses a target the model cannot read", () => {
    expect(() => new PracticeAttempt({ ...settings, target: "contempt" }, CLASSES, 0)).toThrow(/cannot read contempt/);
  });

  it("counts the seconds left up, never below zero", () => {
    expect(secondsLeft({ elapsedMs: 0 }, { limitMs: 15_000 })).toBe(15);
    expect(secondsLeft({ elapsedMs: 14_001 }, { limitMs: 15_000 })).toBe(1);
    expect(secondsLeft({ elapsedMs: 15_000 }, { limitMs: 15_000 })).toBe(0);
    expect(secondsLeft({ elapsedMs: 16_500 }, { limitMs: 15_000 })).toBe(0);
  });

  it("names no runner-up that rounds to 0%", () => {
    const result = { target: "happiness", succeeded: true, score: 99, holdMs: 1000, durationMs: 1200 } as const;
    expect(
      summarise({
        ...result,
        readAs: [
          { expression: "happiness", probability: 0.996 },
          { expression: "neutral", probability: 0.004 },
        ],
      }),
    ).toBe("Read as happiness 100%.");
    expect(
      summarise({
        ...result,
        readAs: [
          { expression: "happiness", probability: 0.9 },
          { expression: "neutral", probability: 0.06 },
        ],
      }),
    ).toBe("Read as happiness 90%; next came neutral 6%.");
  });
});

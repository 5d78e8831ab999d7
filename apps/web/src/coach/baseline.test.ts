import { describe, expect, it } from "vitest";

import type { ExpressionClass } from "@mien/model";

import {
  ACTIVE_AT_REST,
  BaselineRecorder,
  clearBaseline,
  loadBaseline,
  relativeToRest,
  RESTING_NEUTRAL,
  restingRead,
  restingTarget,
  restingWarning,
  restlessness,
  saveBaseline,
} from "./baseline.ts";

const CLASSES: ExpressionClass[] = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"];
const i = (c: ExpressionClass) => CLASSES.indexOf(c);
/** A probability vector with the given shares and the rest spread evenly. */
function dist(shares: Partial<Record<ExpressionClass, number>>): number[] {
  const given = Object.values(shares).reduce((a, b) => a + b, 0);
  const rest = (1 - given) / (CLASSES.length - Object.keys(shares).length);
  return CLASSES.map((c) => shares[c] ?? rest);
}
const argmax = (p: number[]) => CLASSES[p.indexOf(Math.max(...p))];

class MemoryStorage {
  private map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

describe("relative to the resting face", () => {
  const restingAngry = dist({ anger: 0.55, neutral: 0.25 });
  const q = restingTarget(CLASSES, 0.44);

  it("reads the resting face itself as neutral, at the target share", () => {
    const p = relativeToRest(restingAngry, restingAngry, q);
    expect(argmax(p)).toBe("neutral");
    expect(p[i("neutral")]).toBeCloseTo(RESTING_NEUTRAL, 6);
  });

  it("still shows a real change: a smile on a resting-angry face reads as happiness", () => {
    const smile = dist({ happiness: 0.6, anger: 0.15, neutral: 0.1 });
    expect(argmax(relativeToRest(smile, restingAngry, q))).toBe("happiness");
  });

  it("scales each class by how much it rose or fell from rest, nothing else", () => {
    const p = dist({ anger: 0.3, surprise: 0.3, neutral: 0.2 });
    const out = relativeToRest(p, restingAngry, q);
    const ratio = (c: ExpressionClass) => out[i(c)]! / q[i(c)]! / (p[i(c)]! / restingAngry[i(c)]!);
    for (const c of CLASSES) expect(ratio(c)).toBeCloseTo(ratio("neutral"), 6);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("keeps the neutral target above a high abstain threshold, and spreads evenly without neutral", () => {
    expect(restingTarget(CLASSES, 0.7)[i("neutral")]).toBeCloseTo(0.85, 9);
    const noNeutral: ExpressionClass[] = ["anger", "happiness"];
    expect(restingTarget(noNeutral, 0.4)).toEqual([0.5, 0.5]);
  });

  it("refuses a resting read from a model with other classes", () => {
    expect(() => relativeToRest([0.5, 0.5], restingAngry, q)).toThrow(/record it again/);
  });
});

describe("restingRead", () => {
  it("is the normalised geometric mean, so one blink frame barely moves it", () => {
    const steady = Array.from({ length: 20 }, () => dist({ sadness: 0.5, neutral: 0.3 }));
    const withBlink = [...steady, dist({ surprise: 0.9 })];
    const a = restingRead(steady);
    const b = restingRead(withBlink);
    expect(a[i("sadness")]).toBeCloseTo(0.5, 6);
    expect(Math.abs(b[i("sadness")]! - a[i("sadness")]!)).toBeLessThan(0.05);
    expect(b.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
  });

  it("measures restlessness as mean total-variation distance", () => {
    const still = [dist({ neutral: 0.7 }), dist({ neutral: 0.7 })];
    expect(restlessness(still, restingRead(still))).toBeCloseTo(0, 9);
    const jumpy = [dist({ happiness: 0.9 }), dist({ anger: 0.9 })];
    expect(restlessness(jumpy, restingRead(jumpy))).toBeGreaterThan(0.3);
  });
});

describe("BaselineRecorder", () => {
  it("turns three seconds of a steady face into a baseline for that model", () => {
    const r = new BaselineRecorder("packaged:face-api@1.7.15", CLASSES, 1000);
    for (let t = 1000; t <= 4000; t += 100) r.add(t, dist({ sadness: 0.5, neutral: 0.3 }));
    expect(r.done(4000)).toBe(true);
    const outcome = r.finish(new Date("2026-01-02T03:04:05Z"));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.baseline.modelKey).toBe("packaged:face-api@1.7.15");
    expect(outcome.baseline.frames).toBe(30);
    expect(argmax(outcome.baseline.resting)).toBe("sadness");
    expect(outcome.baseline.recordedAt).toBe("2026-01-02T03:04:05.000Z");
  });

  it("says so when the face was missing too often", () => {
    const r = new BaselineRecorder("m", CLASSES, 0);
    for (let t = 0; t <= 3000; t += 100) r.add(t, t % 300 === 0 ? dist({ neutral: 0.6 }) : null);
    const outcome = r.finish();
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/not in view/) });
  });

  it("says so when the expression changed during the recording", () => {
    const r = new BaselineRecorder("m", CLASSES, 0);
    for (let t = 0; t <= 3000; t += 100) r.add(t, t < 1500 ? dist({ happiness: 0.9 }) : dist({ surprise: 0.9 }));
    expect(r.finish()).toEqual({ ok: false, reason: expect.stringMatching(/changed/) });
  });

  it("keeps recording on a slow device until it has enough frames, and gives up after three times the duration", () => {
    const slow = new BaselineRecorder("m", CLASSES, 0);
    let t = 0;
    for (; !slow.done(t); t += 1000) slow.add(t, dist({ neutral: 0.6 }));
    expect(t).toBe(6000);
    expect(slow.finish().ok).toBe(true);
    const stalled = new BaselineRecorder("m", CLASSES, 0);
    for (t = 0; !stalled.done(t); t += 2500) stalled.add(t, dist({ neutral: 0.6 }));
    expect(t).toBe(10_000);
    expect(stalled.finish()).toEqual({ ok: false, reason: expect.stringMatching(/not in view/) });
  });

  it("ignores frames after its duration", () => {
    const r = new BaselineRecorder("m", CLASSES, 0, { durationMs: 1000 });
    for (let t = 0; t <= 1000; t += 100) r.add(t, dist({ neutral: 0.6 }));
    r.add(1500, dist({ happiness: 0.99 }));
    const outcome = r.finish();
    expect(outcome.ok && argmax(outcome.baseline.resting)).toBe("neutral");
  });
});

describe("baseline storage", () => {
  it("round-trips through storage and rejects anything malformed", () => {
    const storage = new MemoryStorage();
    expect(loadBaseline(storage)).toBeNull();
    const baseline = {
      version: 1 as const,
      modelKey: "m",
      classes: CLASSES,
      resting: dist({ neutral: 0.5 }),
      frames: 30,
      recordedAt: new Date().toISOString(),
    };
    saveBaseline(storage, baseline);
    expect(loadBaseline(storage)).toEqual(baseline);
    storage.setItem("mien.coach.baseline", "{not json");
    expect(loadBaseline(storage)).toBeNull();
    storage.setItem("mien.coach.baseline", JSON.stringify({ ...baseline, resting: [0.5] }));
    expect(loadBaseline(storage)).toBeNull();
    saveBaseline(storage, baseline);
    clearBaseline(storage);
    expect(loadBaseline(storage)).toBeNull();
  });
});

describe("restingWarning", () => {
  const read = (shares: Partial<Record<ExpressionClass, number>>) => ({ classes: CLASSES, resting: dist(shares) });

  it("warns when a relaxed face reads mostly as a smile or surprise, naming what then reads weaker", () => {
    expect(restingWarning(read({ happiness: 0.62 }))).toBe(
      "Your relaxed face read as 62% happiness. If you were smiling, record again with your face relaxed: while this recording is kept, happiness reads weaker than it is.",
    );
    expect(restingWarning(read({ surprise: 0.45, happiness: 0.41 }))).toMatch(/^Your relaxed face read as 45% surprise\. If you were raising your eyebrows/);
  });

  it("says nothing for the leans it exists to correct, or below the threshold", () => {
    expect(restingWarning(read({ sadness: 0.7 }))).toBeNull();
    expect(restingWarning(read({ anger: 0.5, happiness: 0.3 }))).toBeNull();
    expect(restingWarning(read({ happiness: ACTIVE_AT_REST - 0.01 }))).toBeNull();
    expect(restingWarning({ classes: ["neutral", "sadness"], resting: [0.5, 0.5] })).toBeNull();
  });
});

import { describe, expect, it } from "vitest";

import type { ExpressionClass } from "@mien/model";

import { LiveSession } from "./live-session.ts";
import type { LoadedModel, Reading } from "./worker/protocol.ts";

const CLASSES: ExpressionClass[] = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"];
const MODEL: LoadedModel = {
  key: "packaged:face-api@1.7.15",
  name: "test",
  version: null,
  source: "packaged",
  classes: CLASSES,
  abstainThreshold: 0.44,
  cardUrl: "/coach/model-card",
};
const box = { x: 200, y: 100, width: 200, height: 200 };

function dist(shares: Partial<Record<ExpressionClass, number>>): number[] {
  const given = Object.values(shares).reduce((a, b) => a + b, 0);
  const rest = (1 - given) / (CLASSES.length - Object.keys(shares).length);
  return CLASSES.map((c) => shares[c] ?? rest);
}

function reading(probabilities: number[] | null, faces = probabilities ? 1 : 0, modelKey = MODEL.key): Reading {
  return {
    type: "reading",
    id: 1,
    frameWidth: 640,
    frameHeight: 480,
    faces: Array.from({ length: faces }, () => ({ box, score: 0.9 })),
    probabilities,
    modelKey,
    timings: { pixelsMs: 2, detectMs: 10, classifyMs: 10, totalMs: 22 },
  };
}

/** Feeds the same reading every 50 ms from `from` to `to` and returns the last outcome. */
function feed(session: LiveSession, r: Reading, from: number, to: number) {
  let last = session.onReading(r, from);
  const spoken: string[] = last.announce ? [last.announce] : [];
  for (let t = from + 50; t <= to; t += 50) {
    last = session.onReading(r, t);
    if (last.announce) spoken.push(last.announce);
  }
  return { last, spoken };
}

describe("LiveSession", () => {
  it("reads one face, says unclear below the abstain threshold, and tells no face from several", () => {
    const s = new LiveSession(MODEL, null);
    expect(feed(s, reading(dist({ happiness: 0.8 })), 0, 500).last.snapshot.readout).toMatchObject({ clear: true, top: [{ expression: "happiness" }, {}, {}] });
    expect(feed(s, reading(dist({ happiness: 0.3, surprise: 0.3 })), 550, 3000).last.snapshot.readout?.clear).toBe(false);
    expect(feed(s, reading(null), 3050, 3100).last.snapshot).toMatchObject({ faces: "none", readout: null });
    expect(feed(s, reading(null, 2), 3150, 3200).last.snapshot).toMatchObject({ faces: "several", readout: null });
  });

  it("announces lasting changes only, in plain words", () => {
    const s = new LiveSession(MODEL, null);
    const { spoken } = feed(s, reading(dist({ happiness: 0.8 })), 0, 3000);
    expect(spoken).toEqual(["Reads as happiness."]);
    expect(feed(s, reading(null, 2), 3050, 9000).spoken).toEqual(["Several faces in view. Mien reads only yours: make sure you are alone in view."]);
  });

  it("records a resting face from raw frames and then reads it as neutral", () => {
    const s = new LiveSession(MODEL, null);
    const restingSad = reading(dist({ sadness: 0.55, neutral: 0.25 }));
    expect(feed(s, restingSad, 0, 1000).last.snapshot.readout?.top[0]?.expression).toBe("sadness");
    s.startRecording(1000, 3000);
    const during = s.onReading(restingSad, 1500);
    expect(during.snapshot.recording?.progress).toBeCloseTo(1 / 6, 5);
    const done = feed(s, restingSad, 1550, 4100).last;
    expect(s.currentBaseline?.modelKey).toBe(MODEL.key);
    const after = feed(s, restingSad, 4150, 5000).last.snapshot;
    expect(after.relative).toBe(true);
    expect(after.readout?.top[0]?.expression).toBe("neutral");
    expect(after.raw?.top[0]?.expression).toBe("sadness");
    expect(done.snapshot.recording).toBeNull();
    s.showRaw = true;
    expect(feed(s, restingSad, 5050, 5100).last.snapshot).toMatchObject({ relative: false, readout: { top: [{ expression: "sadness" }, {}, {}] } });
  });

  it("reports a failed recording with its reason once it gives up waiting for a face", () => {
    const s = new LiveSession(MODEL, null);
    s.startRecording(0, 1000);
    let recorded;
    for (let t = 0; t <= 3100; t += 50) recorded ??= s.onReading(reading(null), t).recorded;
    expect(recorded).toEqual({ ok: false, reason: expect.stringMatching(/not in view/) });
    expect(s.currentBaseline).toBeNull();
  });

  it("abandons a recording when asked (the camera stopped)", () => {
    const s = new LiveSession(MODEL, null);
    s.startRecording(0, 3000);
    s.onReading(reading(dist({ neutral: 0.7 })), 100);
    expect(s.snapshot.recording).not.toBeNull();
    s.cancelRecording();
    expect(s.snapshot.recording).toBeNull();
    expect(feed(s, reading(dist({ neutral: 0.7 })), 200, 5000).last.recorded).toBeUndefined();
    expect(s.currentBaseline).toBeNull();
  });

  it("runs a practice attempt on the displayed readings and reports its result once", () => {
    const s = new LiveSession(MODEL, null);
    s.startPractice({ target: "happiness", holdMs: 1000, limitMs: 10_000, threshold: 0.5 }, 0);
    const results: unknown[] = [];
    for (let t = 0; t <= 3000; t += 50) {
      const o = s.onReading(reading(dist({ happiness: 0.9 })), t);
      if (o.practiced) results.push(o.practiced);
    }
    expect(results).toEqual([expect.objectContaining({ target: "happiness", succeeded: true })]);
    expect(s.snapshot.practice?.phase).toBe("done");
    s.dismissPractice();
    expect(s.snapshot.practice).toBeNull();
  });

  it("ignores readings of a model it no longer runs, and drops a resting face when the model changes", () => {
    const s = new LiveSession(MODEL, {
      version: 1,
      modelKey: MODEL.key,
      classes: CLASSES,
      resting: dist({ sadness: 0.5 }),
      frames: 30,
      recordedAt: new Date().toISOString(),
    });
    expect(s.currentBaseline).not.toBeNull();
    const other = { ...MODEL, key: "b".repeat(64), name: "fer7", version: "2", source: "registry" as const };
    expect(s.setModel(other)).toBe(true);
    expect(s.currentBaseline).toBeNull();
    const stale = s.onReading(reading(dist({ happiness: 0.9 })), 0);
    expect(stale.snapshot.readout).toBeNull();
    expect(s.onReading(reading(dist({ happiness: 0.9 }), 1, other.key), 50).snapshot.readout?.top[0]?.expression).toBe("happiness");
  });

  it("ignores a stored resting face from another model", () => {
    const s = new LiveSession(MODEL, {
      version: 1,
      modelKey: "another",
      classes: CLASSES,
      resting: dist({ sadness: 0.5 }),
      frames: 30,
      recordedAt: new Date().toISOString(),
    });
    expect(s.currentBaseline).toBeNull();
  });
});

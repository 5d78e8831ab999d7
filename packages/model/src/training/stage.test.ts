import { describe, expect, it } from "vitest";

import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
import type { EpochResult, HeadCheckpoint } from "./head-trainer.ts";
import { resumeFrom, type StageContext } from "./stage.ts";

const epoch = (n: number): EpochResult => ({ epoch: n, loss: 1 / n, accuracy: 0.5, valLoss: 1.2 / n, valAccuracy: 0.4 + n / 100, learningRate: 0.01 });

function checkpoint(fingerprint: string, epochs: number): Uint8Array {
  const c: HeadCheckpoint = {
    fingerprint,
    epoch: epochs,
    history: Array.from({ length: epochs }, (_, i) => epoch(i + 1)),
    bestEpoch: epochs,
    bestValLoss: 0.5,
    finished: false,
    weights: [],
    bestWeights: [],
    optimizer: [],
  };
  return encodeCheckpoint(c);
}

/** A stage context with only what resumeFrom reads: the stored checkpoint and the log. */
function context(stored: Uint8Array | null) {
  const lines: string[] = [];
  const ctx = {
    input: { hooks: { loadCheckpoint: async () => stored, log: (line: string) => lines.push(line) } },
    history: [epoch(9)],
    resumed: undefined,
  } as unknown as StageContext;
  return { ctx, lines };
}

describe("resuming a training stage from its stored checkpoint", () => {
  it("continues this run's checkpoint: its epoch, and its history as the context's", async () => {
    const { ctx, lines } = context(checkpoint("this-run", 3));
    const r = await resumeFrom(ctx, "this-run", decodeCheckpoint);
    expect(r.resumedFrom).toBe(3);
    expect(r.checkpoint?.epoch).toBe(3);
    expect(ctx.resumed).toBe(3);
    expect(ctx.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(lines).toEqual([]);
  });

  it("hands back another run's checkpoint without resuming from it or taking its history", async () => {
    const { ctx } = context(checkpoint("another-config", 5));
    const r = await resumeFrom(ctx, "this-run", decodeCheckpoint);
    expect(r.checkpoint?.fingerprint).toBe("another-config");
    expect(r.resumedFrom).toBeUndefined();
    expect(ctx.resumed).toBeUndefined();
    expect(ctx.history.map((h) => h.epoch)).toEqual([9]);
  });

  it("starts over, saying so, when the stored bytes are not a checkpoint of this mode or are cut short", async () => {
    const whole = checkpoint("this-run", 2);
    for (const bytes of [new TextEncoder().encode("not a checkpoint"), whole.subarray(0, whole.length >> 1)]) {
      const { ctx, lines } = context(bytes);
      const r = await resumeFrom(ctx, "this-run", decodeCheckpoint);
      expect(r).toEqual({ checkpoint: null, resumedFrom: undefined });
      expect(ctx.history.map((h) => h.epoch)).toEqual([9]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^checkpoint unreadable, starting over: ./);
    }
  });

  it("starts afresh when nothing is stored", async () => {
    const { ctx, lines } = context(null);
    expect(await resumeFrom(ctx, "this-run", decodeCheckpoint)).toEqual({ checkpoint: null, resumedFrom: undefined });
    expect(lines).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { mcnemarExact } from "@mien/model";

import { ferFolder, inProcessMien, REPO_ROOT } from "../testing/index.ts";

const DEFAULT_MODEL = join(REPO_ROOT, "models", "default");
const tmp = mkdtempSync(join(tmpdir(), "mien-cli-compare-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const mien = inProcessMien({ compare: () => import("./compare.ts"), eval: () => import("./eval.ts"), train: () => import("./train.ts") });

const FOUR = ["angry", "happy", "neutral", "surprise"];
const data = join(tmp, "eval", "val");
const small = join(tmp, "small-model");

beforeAll(async () => {
  ferFolder(join(tmp, "eval"), "val", 10);
  // A second, real and different version: a 4-class head trained here on other FER2013 images.
  const train = join(tmp, "train");
  ferFolder(train, "train", 15, { classes: FOUR, fromEnd: true });
  ferFolder(train, "val", 4, { classes: FOUR, fromEnd: true });
  const r = await mien(["train", "--data", train, "--out", small, "--epochs", "2", "--copies", "0", "--cache", join(tmp, "cache"), "--name", "small4"]);
  if (r.code !== 0) throw new Error(`training the small model failed: ${r.stderr.slice(-2000)}`);
}, 600_000);

describe("pnpm mien compare", () => {
  it("a version compared with itself: b01 = b10 = 0, p = 1, no deltas, and the metrics mien eval prints", async () => {
    const r = await mien(["compare", "--model", DEFAULT_MODEL, "--model", DEFAULT_MODEL, "--data", data, "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(70);
    expect(out.mcnemar).toEqual({ b01: 0, b10: 0, p: 1 });
    expect(out.delta_accuracy).toBe(0);
    expect(Object.values(out.per_class_delta).every((d) => Object.values(d as object).every((x) => x === 0))).toBe(true);
    const single = JSON.parse((await mien(["eval", "--model", DEFAULT_MODEL, "--data", data, "--json"])).stdout);
    expect(out.a.accuracy).toBe(single.accuracy);
    expect(out.a.macro_f1).toBe(single.macro_f1);
  }, 300_000);

  it("two different versions: only shared classes are scored, the rest reported, McNemar on the flips", async () => {
    const r = await mien(["compare", "--model", DEFAULT_MODEL, "--model", small, "--data", data, "--json", "--flips"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.classes).toEqual(["anger", "happiness", "neutral", "surprise"]);
    expect(out.only_a).toEqual(["disgust", "fear", "sadness"]);
    expect(out.excluded).toEqual({ disgust: 10, fear: 10, sadness: 10 });
    expect(out.n).toBe(40);
    const { b01, b10, p } = out.mcnemar;
    expect(out.flips.to_right).toHaveLength(b01);
    expect(out.flips.to_wrong).toHaveLength(b10);
    expect(p).toBe(mcnemarExact(b01, b10));
    // The paired outcomes explain the whole accuracy difference.
    expect(out.b.accuracy - out.a.accuracy).toBeCloseTo((b01 - b10) / out.n, 4);
    expect(out.delta_accuracy).toBeCloseTo(out.b.accuracy - out.a.accuracy, 4);
    expect(b01 + b10).toBeGreaterThan(0);
    for (const f of [...out.flips.to_right, ...out.flips.to_wrong]) expect(f).toMatch(/^(angry|happy|neutral|surprise)\//);
  }, 300_000);

  it("refuses anything but two models and a class folder, saying why", async () => {
    const one = await mien(["compare", "--model", DEFAULT_MODEL, "--data", data]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/exactly two --model/);
    const noData = await mien(["compare", "--model", DEFAULT_MODEL, "--model", small]);
    expect(noData.code).toBe(2);
    const notFolders = await mien(["compare", "--model", DEFAULT_MODEL, "--model", small, "--data", join(tmp, "eval", "val", "angry")]);
    expect(notFolders.code).toBe(1);
    expect(notFolders.stderr).toMatch(/no class folders/);
  }, 120_000);
});

// Pinned evaluation sets end to end: real PostgreSQL, Redis (BullMQ) and FER2013 faces, the
// committed default model as a version published before the set was pinned, and a second version
// published after it.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { compareOnSet, flippedImages, pinEvalSet, queueMissingScores } from "@mien/api/evaluation";
import { evaluationQueue } from "@mien/jobs";
import { mcnemarExact } from "@mien/model";
import { nodeModelSources, selectNodeBackend } from "@mien/model/node";
import { registerVersionDir } from "@mien/registry";

import { FER, importFolder, workerTestData, type WorkerTestData } from "../testing/index.ts";
import { startEvaluator, type Evaluator } from "./worker.ts";

const REPO = resolve(import.meta.dirname, "..", "..", "..", "..");
const DEFAULT_MODEL = join(REPO, "models", "default");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-eval-${process.pid}`;
const queue = evaluationQueue({ redisUrl, prefix });
const tmp = mkdtempSync(join(tmpdir(), "mien-eval-"));
let data: WorkerTestData;
let evaluator: Evaluator;
let setId = "";
let withContemptId = "";
const v: { first: string; second: string } = { first: "", second: "" };

async function settled(scoreCount: number) {
  for (let i = 0; i < 1200; i++) {
    const rows = await data.t.db.evalScore.findMany({ select: { status: true, error: true } });
    if (rows.length >= scoreCount && rows.every((r) => r.status === "completed" || r.status === "failed")) return rows;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("evaluation did not finish in 10 minutes");
}

beforeAll(async () => {
  await selectNodeBackend({ log: () => {} });
  // 6 val faces of each of four classes, imported by the real importer (FER2013's val split).
  data = await workerTestData("evaluation", 0, 6, ["angry", "happy", "neutral", "surprise"]);
  v.first = (await registerVersionDir(data.t.db, data.storage, DEFAULT_MODEL)).id;
  evaluator = startEvaluator({ redisUrl, prefix, deps: { db: data.t.db, storage: data.storage, sources: nodeModelSources(), backend: "wasm" }, log: () => {} });
}, 300_000);

afterAll(async () => {
  await evaluator?.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await data?.remove();
  rmSync(tmp, { recursive: true, force: true });
});

describe("pinned evaluation sets", () => {
  it("pins an import's val images (content-hashed; pinning again returns the same set) and scores a version published before", async () => {
    const run = await data.t.db.importRun.findFirstOrThrow({ select: { id: true } });
    const pinned = await pinEvalSet(data.t.db, data.storage, { source: "import", name: "FER2013 val (24)", importRunId: run.id, split: "val" }, "admin");
    expect(pinned.created).toBe(true);
    expect(pinned.set.imageCount).toBe(24);
    expect(pinned.set.classCounts).toEqual({ anger: 6, happiness: 6, neutral: 6, surprise: 6 });
    setId = pinned.set.id;
    const again = await pinEvalSet(data.t.db, data.storage, { source: "import", name: "again", importRunId: run.id, split: "val" }, "admin");
    expect(again).toMatchObject({ created: false, set: { id: setId } });

    expect(await queueMissingScores(data.t.db, queue)).toBe(1);
    const [row] = await settled(1);
    expect(row).toMatchObject({ status: "completed", error: null });
    const score = await data.t.db.evalScore.findFirstOrThrow({ where: { versionId: v.first, setId } });
    const metrics = score.metrics as {
      n: number;
      accuracy: number;
      confusion: number[][];
      perClass: Record<string, { precision: number; recall: number }>;
      balancedAccuracy: number;
      macroF1: number;
      top2: number;
      ece: number;
    };
    expect(metrics.n).toBe(24);
    for (const key of ["accuracy", "balancedAccuracy", "macroF1", "top2", "ece"] as const) expect(typeof metrics[key]).toBe("number");
    expect(metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(24);
    expect(score.classes).toEqual(["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"]);
    expect(score.excluded).toEqual({});
    const predictions = score.predictions as { classes: string[]; probs: number[][] };
    expect(predictions.probs).toHaveLength(24);
    expect(predictions.probs[0]).toHaveLength(7);
    // The stored accuracy is the stored predictions' accuracy, item by item.
    const items = await data.t.db.evalSetItem.findMany({ where: { setId }, orderBy: { position: "asc" } });
    const right = items.filter((it, i) => {
      const row = predictions.probs[i]!;
      return predictions.classes[row.indexOf(Math.max(...row))] === it.label;
    }).length;
    expect(metrics.accuracy).toBeCloseTo(right / 24, 4);
  }, 600_000);

  it("scores a version published after pinning, and compares the two with McNemar's exact test", async () => {
    // A real, different version: the default model's files with its class order reversed.
    const dir = join(tmp, "reversed");
    cpSync(DEFAULT_MODEL, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    manifest.classes = [...manifest.classes].reverse();
    manifest.name = "reversed";
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    v.second = (await registerVersionDir(data.t.db, data.storage, dir)).id;
    expect(await evaluator.queueMissing()).toBe(1);
    await settled(2);

    const self = await compareOnSet(data.t.db, { setId, a: v.first, b: v.first });
    expect(self.mcnemar).toEqual({ b01: 0, b10: 0, p: 1 });
    expect(self.deltaAccuracy).toBe(0);

    const c = await compareOnSet(data.t.db, { setId, a: v.first, b: v.second });
    expect(c.n).toBe(24);
    expect(c.mcnemar.p).toBe(mcnemarExact(c.mcnemar.b01, c.mcnemar.b10));
    expect(c.b.accuracy - c.a.accuracy).toBeCloseTo((c.mcnemar.b01 - c.mcnemar.b10) / 24, 3); // each accuracy is stored to 4 decimals
    expect(c.bSignificantlyWorse).toBe(c.mcnemar.p < 0.05 && c.mcnemar.b10 > c.mcnemar.b01);
    expect(c.sentence).toMatch(/version 1|version 2|no difference/);

    const flips = await flippedImages(data.t.db, { setId, a: v.first, b: v.second });
    expect(flips.toRight.total).toBe(c.mcnemar.b01);
    expect(flips.toWrong.total).toBe(c.mcnemar.b10);
    for (const f of flips.toWrong.images) {
      expect(f.imageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(f.predictedA).toBe(f.label);
      expect(f.predictedB).not.toBe(f.label);
    }
  }, 600_000);

  it("excludes a set's classes the version does not output, and reports them", async () => {
    // One FER face imported under a contempt folder: the default model has no contempt class.
    const root = join(tmp, "contempt-import");
    mkdirSync(join(root, "val", "contempt"), { recursive: true });
    mkdirSync(join(root, "val", "happy"), { recursive: true });
    const happy = readdirSync(join(FER, "val", "happy")).sort();
    cpSync(join(FER, "val", "happy", happy.at(-1)!), join(root, "val", "contempt", "c.jpg"));
    cpSync(join(FER, "val", "happy", happy.at(-2)!), join(root, "val", "happy", "h.jpg"));
    await importFolder(data.t.db, data.storage, root);
    const run = await data.t.db.importRun.findFirstOrThrow({ where: { root: resolve(root) }, select: { id: true } });
    const pinned = await pinEvalSet(data.t.db, data.storage, { source: "import", name: "with contempt", importRunId: run.id }, "admin");
    withContemptId = pinned.set.id;
    await queueMissingScores(data.t.db, queue);
    await settled(4);
    const score = await data.t.db.evalScore.findFirstOrThrow({ where: { versionId: v.first, setId: withContemptId } });
    expect(score.status).toBe("completed");
    expect(score.excluded).toEqual({ contempt: 1 });
    expect((score.metrics as { n: number }).n).toBe(1);
  }, 600_000);

  it("refuses to change or delete a pinned set or its items, and to pin nothing", async () => {
    await expect(data.t.db.$executeRawUnsafe(`UPDATE eval_set SET name = 'changed' WHERE id = '${setId}'`)).rejects.toThrow(/immutable: UPDATE is not allowed/);
    await expect(data.t.db.$executeRawUnsafe(`DELETE FROM eval_set_item WHERE "setId" = '${setId}'`)).rejects.toThrow(/immutable: DELETE is not allowed/);
    await expect(data.t.db.$executeRawUnsafe(`DELETE FROM eval_set WHERE id = '${withContemptId}'`)).rejects.toThrow(/immutable/);
    const run = await data.t.db.importRun.findFirstOrThrow({ select: { id: true } });
    await expect(pinEvalSet(data.t.db, data.storage, { source: "import", name: "empty", importRunId: run.id, split: "test" }, "admin")).rejects.toThrow(
      /Nothing to pin/,
    );
  });
});

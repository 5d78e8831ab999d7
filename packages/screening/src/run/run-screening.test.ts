import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runImport } from "@mien/dataset";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { screeningQueue, screeningQueueEvents, type ScreeningProgress } from "@mien/jobs";
import { WorkerProcesses } from "@mien/jobs/testing";
import { EXPRESSION_CLASSES } from "@mien/model";
import { LocalStorage } from "@mien/storage";

import { decodeVector } from "../embeddings.ts";
import { DEFAULT_REFERENCE_DIR, referenceInfo } from "../reference.ts";
import { corpusImage } from "../testing/index.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { startScreener } from "../worker.ts";
import { startScreening } from "./start-run.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `mien-test-screening-${process.pid}`;

let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-screening-"));
const dataDir = join(tmp, "data");
const storage = new LocalStorage(join(dataDir, "storage"));
const queue = screeningQueue(REDIS_URL, { prefix: PREFIX });
const events = screeningQueueEvents(REDIS_URL, { prefix: PREFIX });

/** Real corpus faces that carry no planted problem, to give the classifier something to learn from. */
const PLAIN = [
  "Amber_Frey_0001.jpg",
  "Bill_Clinton_0001.jpg",
  "Colin_Powell_0099.jpg",
  "Angelina_Jolie_0001.jpg",
  "Ari_Fleischer_0007.jpg",
  "Alberto_Acosta_0001.jpg",
  "Andreas_Vinciguerra_0001.jpg",
  "Barbara_Esbin_0001.jpg",
  "Bob_Stoops_0004.jpg",
  "Candie_Kung_0002.jpg",
  "Christopher_Reeve_0004.jpg",
  "Claudio_Ranieri_0001.jpg",
  "Cruz_Bustamante_0003.jpg",
  "David_Beckham_0001.jpg",
  "David_Hilt_0001.jpg",
  "Emmy_Rossum_0001.jpg",
  "Carlos_Beltran_0001.jpg",
  "Bill_Hughes_0001.jpg",
];

async function withCaption(face: Buffer, text: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160"><text x="50%" y="99" text-anchor="middle"
    font-family="DejaVu Sans" font-weight="bold" font-size="18" fill="white" stroke="black" stroke-width="1">${text}</text></svg>`;
  return sharp(face)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A class-folder data set of real images with one planted case per signal. */
async function writeDataSet(root: string): Promise<void> {
  const put = (path: string, bytes: Buffer) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), bytes);
  };
  const aaron = corpusImage("Aaron_Eckhart_0001.jpg");
  put("anger/aaron.jpg", aaron);
  put("anger/aaron-blurred.jpg", await sharp(aaron).blur(4).jpeg({ quality: 90 }).toBuffer());
  put("happiness/aaron-copy.jpg", await sharp(aaron).resize(130, 130).jpeg({ quality: 60 }).toBuffer());
  put("surprise/caption.jpg", await withCaption(corpusImage("Bob_Stoops_0004.jpg"), "BREAKING"));
  put("neutral/mouth-only.jpg", corpusImage("Avinash_22.jpg"));
  put("neutral/two-people.jpg", corpusImage("Cori_Enghusen_0001.jpg"));
  const classes = ["happiness", "neutral", "sadness"];
  PLAIN.forEach((name, i) => put(`${classes[i % 3]}/${name}`, corpusImage(name)));
}

const imageBy = (suffix: string) => t.db.image.findFirstOrThrow({ where: { sourcePath: { endsWith: suffix } }, include: { flags: true } });

const workers = new WorkerProcesses();

beforeAll(async () => {
  t = await createTestDatabase("mien_test_screening_run");
  const root = join(tmp, "set");
  await writeDataSet(root);
  const summary = await runImport({ db: t.db, storage, root });
  expect(summary.imported).toBe(PLAIN.length + 6);
});
afterAll(async () => {
  workers.killAll();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await Promise.all([queue.close(), events.close()]);
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("a screening run over real images (BullMQ, PostgreSQL, the real models)", () => {
  it("computes every signal, reports progress through BullMQ, and flags each planted problem", async () => {
    const screener = startScreener({ redisUrl: REDIS_URL, prefix: PREFIX, db: t.db, storage, log: () => {} });
    const seen: ScreeningProgress[] = [];
    await events.waitUntilReady();
    events.on("progress", ({ data }) => seen.push(data as ScreeningProgress));
    try {
      const { runId, created } = await startScreening(t.db, queue, { actorId: null, options: { batchSize: 8 } });
      expect(created).toBe(true);
      await (await queue.getJob(runId))!.waitUntilFinished(events, 170_000);

      const run = await t.db.screeningRun.findUniqueOrThrow({ where: { id: runId }, include: { stages: { orderBy: { position: "asc" } } } });
      expect(run.status).toBe("completed");
      expect(run.stages.map((s) => [s.stage, s.done, s.failed])).toEqual(
        ["duplicates", "faces", "ocr", "embeddings", "mislabel", "flags"].map((s) => [s, true, 0]),
      );
      // Progress went through job.updateProgress, rising to 100.
      expect(seen.length).toBeGreaterThan(6);
      expect(seen.at(-1)).toMatchObject({ stage: "flags", percent: 100 });
      expect(seen.map((p) => p.percent)).toEqual([...seen.map((p) => p.percent)].sort((a, b) => a - b));
    } finally {
      await screener.close();
    }

    const blurred = await imageBy("aaron-blurred.jpg");
    expect(blurred.flags.find((f) => f.reason === "unclear")?.detail).toMatchObject({ causes: ["blurry"] });

    const [original, copy] = [await imageBy("anger/aaron.jpg"), await imageBy("aaron-copy.jpg")];
    expect(original.duplicateGroup).toBe(original.id); // the larger image is kept
    expect(copy.duplicateGroup).toBe(original.id);
    expect(copy.flags.find((f) => f.reason === "duplicate")?.detail).toMatchObject({ keeperId: original.id, keeperLabel: "anger" });
    expect(original.flags.some((f) => f.reason === "duplicate")).toBe(false);

    const caption = await imageBy("caption.jpg");
    expect(caption.ocrText).toMatch(/BREAKING/);
    expect(caption.flags.find((f) => f.reason === "text_overlay")?.score).toBeGreaterThanOrEqual(THRESHOLDS.ocrScore);

    const mouth = await imageBy("mouth-only.jpg");
    expect(mouth.faceCount).toBe(0);
    expect(mouth.flags.map((f) => f.reason)).toContain("no_face");

    const two = await imageBy("two-people.jpg");
    expect(two.faceCount).toBe(2);
    expect(two.flags.find((f) => f.reason === "unclear")?.detail).toMatchObject({ causes: ["several_faces"] });

    // Every image got embeddings of its face and its mirror and a mislabel verdict; flags follow
    // "suggested label differs" and carry why: both probabilities and the given class's threshold.
    // The reference model (models/fer7-ensemble by default) scored every face too: a probability
    // row over the eight classes, 0 for contempt, which it lacks; the mislabel stage used them all.
    const all = await t.db.image.findMany({ include: { flags: { where: { reason: "mislabelled" } }, embeddings: true } });
    const reference = referenceInfo(DEFAULT_REFERENCE_DIR);
    const mislabelStage = await t.db.screeningStage.findFirstOrThrow({ where: { stage: "mislabel" } });
    expect(mislabelStage.detail).toMatchObject({ reference: { key: reference.key, images: all.length } });
    for (const image of all) {
      expect(image.embeddings.map((e) => e.backbone).sort()).toEqual(["faceapi-expression", "faceapi-expression:mirrored", reference.key]);
      const probs = decodeVector(image.embeddings.find((e) => e.backbone === reference.key)!.vector, EXPRESSION_CLASSES.length);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(probs[EXPRESSION_CLASSES.indexOf("contempt")]).toBe(0);
      expect(image.mislabelScore).toBeGreaterThanOrEqual(0);
      expect(image.mislabelScore).toBeLessThanOrEqual(1);
      expect(image.labelThreshold).toBeGreaterThan(0);
      expect(image.flags.length === 1).toBe(image.suggestedLabel !== image.label);
      if (image.flags.length === 1) {
        expect(image.suggestedConfidence).toBeGreaterThan(image.labelConfidence!);
        expect(image.labelConfidence).toBeLessThan(Math.min(image.labelThreshold!, THRESHOLDS.mislabelGivenCeiling));
        expect(image.flags[0]!.detail).toMatchObject({ suggestedLabel: image.suggestedLabel, labelThreshold: image.labelThreshold });
      } else expect(image.suggestedConfidence).toBeNull();
    }
    // Only the planted faces carry text, several faces or blur; the plain ones raise none of those.
    const plain = all.filter((i) => PLAIN.some((p) => i.sourcePath.endsWith(p)));
    const plainFlags = await t.db.imageFlag.findMany({ where: { imageId: { in: plain.map((i) => i.id) }, reason: { in: ["text_overlay", "unclear"] } } });
    expect(plainFlags).toEqual([]);
  }, 240_000);

  it("screens only new images next time, and a repeated run replaces its flags instead of adding to them", async () => {
    const before = await t.db.imageFlag.count({ where: { source: "screening" } });
    const screener = startScreener({ redisUrl: REDIS_URL, prefix: PREFIX, db: t.db, storage, log: () => {} });
    try {
      const { runId } = await startScreening(t.db, queue, { actorId: null, options: { stages: ["faces", "ocr", "flags"] } });
      await (await queue.getJob(runId))!.waitUntilFinished(events, 60_000);
      const stages = await t.db.screeningStage.findMany({ where: { runId }, orderBy: { position: "asc" } });
      expect(stages.map((s) => [s.stage, s.total])).toEqual([
        ["faces", 0],
        ["ocr", 0],
        ["flags", 1],
      ]);
    } finally {
      await screener.close();
    }
    expect(await t.db.imageFlag.count({ where: { source: "screening" } })).toBe(before);
  }, 120_000);
});

describe("resuming a killed screener", () => {
  it("continues from the last committed batch and never redoes one", async () => {
    await t.db.image.updateMany({ data: { faceCount: null, faceScore: null, faceBox: [] } });
    const { runId } = await startScreening(t.db, queue, { actorId: null, options: { stages: ["faces"], batchSize: 2 } });
    // The real screener process, killed with SIGKILL once it has committed a few batches.
    const {
      child,
      output: screenerOutput,
      exited,
    } = workers.start("screener", {
      DATABASE_URL: t.url,
      MIEN_DATA_DIR: dataDir,
      MIEN_STORAGE: "local",
      REDIS_URL,
      MIEN_QUEUE_PREFIX: PREFIX,
      MIEN_SCREENER_LOCK_MS: "4000",
      MIEN_SCREENER_STALLED_MS: "1000",
    });
    const stage = () => t.db.screeningStage.findUniqueOrThrow({ where: { runId_stage: { runId, stage: "faces" } } });
    const deadline = Date.now() + 120_000;
    while ((await stage()).processed < 6) {
      if (Date.now() > deadline) throw new Error(`The screener did not get going:\n${screenerOutput()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const atKill = await stage();
    expect(atKill.done).toBe(false);
    expect(atKill.processed).toBeLessThan(atKill.total);

    // A fresh screener finds the stalled job once its lock expires, and resumes it.
    const lines: string[] = [];
    const screener = startScreener({
      redisUrl: REDIS_URL,
      prefix: PREFIX,
      db: t.db,
      storage,
      log: (l) => lines.push(l),
      lockDuration: 4_000,
      stalledInterval: 1_000,
    });
    try {
      await (await queue.getJob(runId))!.waitUntilFinished(events, 120_000);
    } finally {
      await screener.close();
    }
    const done = await stage();
    expect(done.done).toBe(true);
    // processed is counted in the same transaction as each batch's writes: a batch done twice would push it past total.
    expect(done.processed).toBe(done.total);
    expect(done.total).toBe(PLAIN.length + 6);
    expect(lines.some((l) => new RegExp(`faces: resuming after ${atKill.processed}`).test(l))).toBe(true);
    expect(await t.db.image.count({ where: { faceCount: null } })).toBe(0);
    expect((await t.db.screeningRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("completed");
  }, 240_000);

  it("hands the run back to the queue when a screener is closed mid-run, without spending an attempt", async () => {
    await t.db.image.updateMany({ data: { ocrScore: null, ocrText: null } });
    const { runId } = await startScreening(t.db, queue, { actorId: null, options: { stages: ["ocr"], batchSize: 2 } });
    const first = startScreener({ redisUrl: REDIS_URL, prefix: PREFIX, db: t.db, storage, log: () => {} });
    const stage = () => t.db.screeningStage.findUniqueOrThrow({ where: { runId_stage: { runId, stage: "ocr" } } });
    while ((await stage()).processed < 2) await new Promise((r) => setTimeout(r, 100));
    await first.close();
    const job = (await queue.getJob(runId))!;
    expect(["delayed", "waiting"]).toContain(await job.getState());
    expect(job.attemptsMade).toBe(0);

    const second = startScreener({ redisUrl: REDIS_URL, prefix: PREFIX, db: t.db, storage, log: () => {} });
    try {
      await job.waitUntilFinished(events, 120_000);
    } finally {
      await second.close();
    }
    const done = await stage();
    expect([done.done, done.processed]).toEqual([true, done.total]);
  }, 240_000);
});

import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runImport } from "@mien/dataset";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { screeningQueue } from "@mien/jobs";
import { startPrivateRedis, WorkerProcesses, type PrivateRedis } from "@mien/jobs/testing";
import { LocalStorage } from "@mien/storage";

import { SCREENING_BACKBONE, SCREENING_MIRRORED } from "../embeddings.ts";
import { DEFAULT_REFERENCE_DIR, referenceInfo } from "../reference.ts";
import { sharedData } from "../testing/index.ts";
import { startScreening } from "./start-run.ts";

// Redis restarted (with the project's append-only file) while a screening run waits, and again
// while the real screener process is in the middle of it: the run finishes, once, with every image.
const PREFIX = `mien-test-${randomBytes(4).toString("hex")}`;
const PER_CLASS = 4;
const CLASSES = ["anger", "happiness", "neutral", "sadness", "surprise"];
const IMAGES = PER_CLASS * CLASSES.length;

let redis: PrivateRedis;
let queue: ReturnType<typeof screeningQueue>;
let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-screening-redis-"));
const dataDir = join(tmp, "data");
const storage = new LocalStorage(join(dataDir, "storage"));
const workers = new WorkerProcesses();

/** The first PER_CLASS images of each class in the facial-expressions corpus, as class folders. */
function writeDataSet(root: string): void {
  const corpus = join(sharedData(), "facial-expressions");
  const rows = readFileSync(join(corpus, "legend.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
  for (const label of CLASSES) {
    mkdirSync(join(root, label), { recursive: true });
    for (const [, image] of rows.filter((r) => r[2] === label).slice(0, PER_CLASS)) copyFileSync(join(corpus, "images", image!), join(root, label, image!));
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  queue = screeningQueue(redis.url, { prefix: PREFIX });
  queue.on("error", () => undefined); // ECONNREFUSED while Redis restarts; the queue reconnects.
  t = await createTestDatabase("mien_test_screening_redis");
  const root = join(tmp, "set");
  writeDataSet(root);
  const summary = await runImport({ db: t.db, storage, root });
  expect(summary.imported).toBe(IMAGES);
}, 120_000);

afterAll(async () => {
  workers.killAll();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await redis?.close();
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("Redis restarted during a screening run (append-only file as the project runs it)", () => {
  it("keeps the queued run, and the screener rides out a restart mid-run: one attempt, every image once", async () => {
    // 1. Started the way the admin page and `pnpm mien screen` start one, while no screener runs.
    const { runId, created } = await startScreening(t.db, queue, { actorId: null, options: { batchSize: 2 } });
    expect(created).toBe(true);
    expect(await queue.getJobState(runId)).toBe("waiting");
    await redis.restart({ how: "shutdown" });
    const survived = await queue.getJob(runId);
    expect(survived?.data).toEqual({ v: 1, runId });
    expect(await survived?.getState()).toBe("waiting");

    // 2. The real screener process takes it; Redis restarts (SIGTERM, 2 s down) in the middle of OCR.
    const screener = workers.start("screener", {
      DATABASE_URL: t.url,
      MIEN_DATA_DIR: dataDir,
      MIEN_STORAGE: "local",
      REDIS_URL: redis.url,
      MIEN_QUEUE_PREFIX: PREFIX,
      // Stalled runs are looked for every 2 s, so a lock lost during the restart would show up as a
      // second attempt; the lock itself outlasts a few seconds without Redis.
      MIEN_SCREENER_LOCK_MS: "15000",
      MIEN_SCREENER_STALLED_MS: "2000",
    });
    const stage = (name: string) => t.db.screeningStage.findUniqueOrThrow({ where: { runId_stage: { runId, stage: name } } });
    await expect.poll(async () => (await stage("ocr")).processed, { timeout: 150_000, interval: 100 }).toBeGreaterThanOrEqual(4);
    expect(await queue.getJobState(runId)).toBe("active");
    // Redis goes down while OCR is under way (how far it gets while Redis is down depends on how fast
    // this machine reads text, so only the start is pinned)…
    expect((await stage("ocr")).processed).toBeLessThan(IMAGES);
    await redis.restart({ how: "sigterm", downMs: 2_000 });
    expect(redis.starts).toBe(3);
    // …and the run is still going when it is back.
    expect((await t.db.screeningRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");

    await expect
      .poll(async () => (await t.db.screeningRun.findUniqueOrThrow({ where: { id: runId } })).status, { timeout: 200_000, interval: 250 })
      .toBe("completed");
    // The run turns "completed" inside the job, before the screener logs the job's end.
    await expect.poll(() => screener.output(), { timeout: 30_000, interval: 100 }).toContain(`screening job ${runId} completed`);
    const output = screener.output();
    expect(output, output).toMatch(/screener: lost the Redis connection; reconnecting/);
    expect(output, output).toMatch(/screener: reconnected to Redis/);
    expect(output.indexOf("screener: reconnected to Redis"), output).toBeLessThan(output.indexOf(`screening job ${runId} completed`));
    // Taken once, never stalled, failed or resumed: the lock held across the restart.
    expect(output.split(`screening job ${runId} started`), output).toHaveLength(2);
    expect(output, output).not.toMatch(/stalled|failed|resuming after/);
    const job = await queue.getJob(runId);
    expect(await job?.getState()).toBe("completed");
    expect([job?.attemptsStarted, job?.stalledCounter]).toEqual([1, 0]);

    // Every stage finished; per-image stages counted each image once (a batch is counted in the
    // transaction that writes it, so a batch written twice would push `processed` past the set).
    const stages = await t.db.screeningStage.findMany({ where: { runId }, orderBy: { position: "asc" } });
    expect(stages.map((s) => [s.stage, s.done, s.failed])).toEqual(["duplicates", "faces", "ocr", "embeddings", "mislabel", "flags"].map((s) => [s, true, 0]));
    for (const s of stages.filter((s) => ["faces", "ocr", "embeddings"].includes(s.stage)))
      expect([s.stage, s.processed, s.total]).toEqual([s.stage, IMAGES, IMAGES]);
    // Nothing lost: every image carries every signal.
    const images = await t.db.image.findMany({ include: { embeddings: true } });
    expect(images).toHaveLength(IMAGES);
    for (const image of images) {
      expect(image.faceCount, image.sourcePath).not.toBeNull();
      expect(image.ocrScore, image.sourcePath).not.toBeNull();
      expect(image.mislabelScore, image.sourcePath).not.toBeNull();
      // A face gets one embedding of itself, one of its mirror image and the reference model's
      // probabilities (keyed by image and backbone, so never twice); images without a face get none.
      expect(image.embeddings.map((e) => e.backbone).sort(), image.sourcePath).toEqual(
        image.faceCount! > 0 ? [SCREENING_BACKBONE, SCREENING_MIRRORED, referenceInfo(DEFAULT_REFERENCE_DIR).key].sort() : [],
      );
    }

    screener.child.kill("SIGTERM");
    await screener.exited;
  }, 360_000);
});

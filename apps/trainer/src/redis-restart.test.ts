import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTraining } from "@mien/api";
import type { TestDatabase } from "@mien/db/testing";
import { trainingQueue } from "@mien/jobs";
import { startPrivateRedis, WorkerProcesses, type PrivateRedis } from "@mien/jobs/testing";
import { trainingProgress } from "@mien/jobs/training";
import type { LocalStorage } from "@mien/storage";

import { createSnapshot, smallJobConfig, workerTestData, type WorkerTestData } from "./testing/index.ts";

// Redis restarted (with the project's append-only file) while a training job waits, and again
// while the real worker process trains it: the job is neither lost nor run twice.
const prefix = `mien-test-${randomBytes(4).toString("hex")}`;
const EPOCHS = 150;
let redis: PrivateRedis;
let queue: ReturnType<typeof trainingQueue>;
let data: WorkerTestData;
let t: TestDatabase;
let dataDir: string;
let storage: LocalStorage;
const workers = new WorkerProcesses();

/** The real worker process (`apps/trainer/src/main.ts`), as `pnpm start` runs it, on the private Redis. */
function startWorker() {
  return workers.start("trainer", {
    DATABASE_URL: t.url,
    REDIS_URL: redis.url,
    MIEN_DATA_DIR: dataDir,
    MIEN_QUEUE_PREFIX: prefix,
    // Stalled jobs are looked for every 2 s, so a lock lost during the restart would show up as a
    // second attempt within the test; the lock itself outlasts a few seconds without Redis.
    MIEN_TRAINER_LOCK_MS: "15000",
    MIEN_TRAINER_STALLED_MS: "2000",
  });
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  queue = trainingQueue({ redisUrl: redis.url, prefix });
  queue.on("error", () => undefined); // ECONNREFUSED while Redis restarts; the queue reconnects.
  data = await workerTestData("redis-restart", 8, 3, ["happy", "sad", "surprise"]);
  ({ t, dataDir, storage } = data);
}, 180_000);

afterAll(async () => {
  workers.killAll();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await redis?.close();
  await data?.remove();
});

describe("Redis restarted during training (append-only file as the project runs it)", () => {
  it("keeps the queued job, and the worker rides out a restart mid-training: one attempt, one version", async () => {
    const snapshot = await createSnapshot(t.db, storage, "fer-redis-restart", "admin");
    const config = smallJobConfig("redis-restart-test", snapshot.id, EPOCHS);
    const row = () => t.db.trainingJob.findUniqueOrThrow({ where: { id } });

    // 1. Queued while no worker runs; Redis restarts (SHUTDOWN); the job is still there.
    const { id } = await startTraining(t.db, queue, { config, actorId: "admin" });
    expect(await queue.getJobState(id)).toBe("waiting");
    await redis.restart({ how: "shutdown" });
    const survived = await queue.getJob(id);
    expect(survived?.data).toMatchObject({ v: 2, trainingJobId: id });
    expect(await survived?.getState()).toBe("waiting");

    // 2. The worker takes it; Redis restarts (SIGTERM, 2 s down) once a few epochs are checkpointed.
    const worker = startWorker();
    await expect.poll(async () => (await row()).checkpointEpoch ?? 0, { timeout: 150_000, interval: 100 }).toBeGreaterThanOrEqual(2);
    expect(await queue.getJobState(id)).toBe("active");
    await redis.restart({ how: "sigterm", downMs: 2_000 });
    const afterRestart = await row();
    expect(afterRestart.status).toBe("running");
    expect(afterRestart.checkpointEpoch).toBeLessThan(EPOCHS); // still mid-training when Redis came back
    expect(redis.starts).toBe(3);

    await expect.poll(async () => (await row()).status, { timeout: 170_000, interval: 250 }).toBe("completed");
    // The row turns "completed" inside the job, before the worker logs the job's end.
    await expect.poll(() => worker.output(), { timeout: 30_000, interval: 100 }).toContain(`training job ${id} completed`);
    const log = worker.output();
    const trace = log
      .split("\n")
      .filter((l) => !/: epoch \d+\//.test(l))
      .join("\n"); // the worker's log, for failure messages
    expect(log, trace).toMatch(/trainer: lost the Redis connection; reconnecting/);
    expect(log, trace).toMatch(/trainer: reconnected to Redis/);
    expect(log.indexOf("trainer: reconnected to Redis"), trace).toBeLessThan(log.indexOf(`training job ${id} completed`));
    // Taken once, never found stalled nor failed: the lock held across the restart.
    expect(log.match(new RegExp(`training job ${id} started`, "g")), trace).toHaveLength(1);
    expect(log, trace).not.toMatch(/stalled|failed/);

    const done = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, include: { version: true } });
    expect(done.attempts).toBe(1); // the handler ran once
    const progress = trainingProgress.parse(done.progress);
    expect(progress.resumedFrom).toBeUndefined();
    expect(progress.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(await t.db.modelVersion.count()).toBe(1);
    expect(done.version?.number).toBe(1);
    const job = await queue.getJob(id);
    expect(await job?.getState()).toBe("completed");
    expect([job?.attemptsStarted, job?.stalledCounter]).toEqual([1, 0]);

    worker.child.kill("SIGTERM");
    await new Promise((r) => worker.child.once("exit", r));
  }, 360_000);
});

import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTraining } from "@mien/api";
import type { TestDatabase } from "@mien/db/testing";
import { trainingQueue } from "@mien/jobs";
import { WorkerProcesses } from "@mien/jobs/testing";
import type { LocalStorage } from "@mien/storage";

import { createSnapshot, smallJobConfig, workerTestData, type WorkerTestData } from "./testing/index.ts";

// Two real worker processes on one queue (as `docker compose up --scale trainer=2` runs them):
// they share the jobs, and BullMQ's lock gives each job to exactly one of them.
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-${randomBytes(4).toString("hex")}`;
const JOBS = 4;
let data: WorkerTestData;
let t: TestDatabase;
let dataDir: string;
let storage: LocalStorage;
const processes = new WorkerProcesses();
const queue = trainingQueue({ redisUrl: REDIS_URL, prefix });

/** The real worker process (`apps/trainer/src/main.ts`), as `pnpm start` runs it. */
function startWorker(name: string) {
  return { name, ...processes.start("trainer", { DATABASE_URL: t.url, REDIS_URL, MIEN_DATA_DIR: dataDir, MIEN_QUEUE_PREFIX: prefix }) };
}

const count = (text: string, pattern: string) => text.split(pattern).length - 1;

beforeAll(async () => {
  data = await workerTestData("two-workers", 6, 2, ["happy", "sad", "surprise"]);
  ({ t, dataDir, storage } = data);
}, 180_000);

afterAll(async () => {
  processes.killAll();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await data?.remove();
});

describe("two trainer workers on one queue", () => {
  it("share the jobs, and every job is trained and published by exactly one of them", async () => {
    const snapshot = await createSnapshot(t.db, storage, "fer-two-workers", "admin");
    const workers = [startWorker("A"), startWorker("B")];
    // Both must be listening before the jobs arrive, or the first one up takes them all in turn.
    await expect.poll(() => workers.every((w) => w.output().includes("trainer: waiting for jobs")), { timeout: 120_000, interval: 200 }).toBe(true);

    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const config = smallJobConfig(`two-workers-${i}`, snapshot.id, 8, { hidden: 16, seed: i + 1 });
      ids.push((await startTraining(t.db, queue, { config, actorId: "admin" })).id);
    }
    await expect.poll(async () => t.db.trainingJob.count({ where: { id: { in: ids }, status: "completed" } }), { timeout: 180_000, interval: 500 }).toBe(JOBS);

    // Which worker took which job, from each process's own log.
    const logs = workers
      .map(
        (w) =>
          `--- worker ${w.name}\n${w
            .output()
            .split("\n")
            .filter((l) => !/: epoch \d+\//.test(l))
            .join("\n")}`,
      )
      .join("\n");
    const takenBy = ids.map((id) => workers.filter((w) => count(w.output(), `training job ${id} started`) > 0).map((w) => w.name));
    for (const [i, id] of ids.entries()) {
      expect(takenBy[i], `job ${id}\n${logs}`).toHaveLength(1);
      const owner = workers.find((w) => w.name === takenBy[i]![0])!;
      expect(count(owner.output(), `training job ${id} started`)).toBe(1);
      expect(count(owner.output(), `training job ${id} completed`)).toBe(1);
    }
    for (const w of workers) {
      expect(takenBy.filter((names) => names[0] === w.name).length, `jobs taken by worker ${w.name}\n${logs}`).toBeGreaterThanOrEqual(1);
      expect(w.output(), logs).not.toMatch(/stalled|failed|trainer error/);
    }

    const rows = await t.db.trainingJob.findMany({ where: { id: { in: ids } }, include: { version: true } });
    expect(rows.map((r) => r.attempts)).toEqual(ids.map(() => 1)); // each handler ran once
    const versions = await t.db.modelVersion.findMany({ orderBy: { number: "asc" } });
    expect(versions.map((v) => v.number)).toEqual([1, 2, 3, 4]);
    expect(new Set(versions.map((v) => v.trainingJobId))).toEqual(new Set(ids));
    for (const id of ids) {
      const job = await queue.getJob(id);
      expect(await job?.getState()).toBe("completed");
      expect([job?.attemptsStarted, job?.stalledCounter]).toEqual([1, 0]);
    }

    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r(null) : w.child.once("exit", r)))));
  }, 300_000);
});

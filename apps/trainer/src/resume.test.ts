import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTraining } from "@mien/api";
import type { TestDatabase } from "@mien/db/testing";
import { trainingQueue } from "@mien/jobs";
import { WorkerProcesses } from "@mien/jobs/testing";
import { CONV_MODE_DEFAULTS, trainingProgress } from "@mien/jobs/training";
import { registerVersionDir } from "@mien/registry";
import type { LocalStorage } from "@mien/storage";

import { checkpointKey } from "./checkpoints.ts";
import { createSnapshot, smallJobConfig, workerTestData, type WorkerTestData } from "./testing/index.ts";

const DEFAULT_MODEL_DIR = new URL("../../../models/default", import.meta.url).pathname;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-${randomBytes(4).toString("hex")}`;
const EPOCHS = 150;
let data: WorkerTestData;
let t: TestDatabase;
let dataDir: string;
let storage: LocalStorage;
const workers = new WorkerProcesses();
const queue = trainingQueue({ redisUrl: REDIS_URL, prefix });

/** The real worker process (`apps/trainer/src/main.ts`), as `pnpm start` runs it. */
function startWorker() {
  return workers.start("trainer", {
    DATABASE_URL: t.url,
    REDIS_URL,
    MIEN_DATA_DIR: dataDir,
    MIEN_QUEUE_PREFIX: prefix,
    // Short locks so a killed worker's job is found stalled within seconds.
    MIEN_TRAINER_LOCK_MS: "8000",
    MIEN_TRAINER_STALLED_MS: "2000",
  });
}

beforeAll(async () => {
  data = await workerTestData("resume", 8, 3, ["happy", "sad", "surprise"]);
  ({ t, dataDir, storage } = data);
}, 180_000);

afterAll(async () => {
  workers.killAll();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await data?.remove();
});

describe("a worker killed mid-training (SIGKILL)", () => {
  it("resumes from its last epoch checkpoint on restart and publishes exactly one version", async () => {
    const snapshot = await createSnapshot(t.db, storage, "fer-resume", "admin");
    const config = smallJobConfig("resume-test", snapshot.id, EPOCHS);
    const first = startWorker();
    const { id } = await startTraining(t.db, queue, { config, actorId: "admin" });
    const checkpointEpoch = async () => (await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).checkpointEpoch ?? 0;
    await expect.poll(checkpointEpoch, { timeout: 150_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    const killedAt = await checkpointEpoch();
    expect(killedAt).toBeLessThan(EPOCHS);
    expect(await storage.exists(checkpointKey(id))).toBe(true);
    expect(await t.db.modelVersion.count()).toBe(0);
    expect((await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).status).toBe("running");

    const second = startWorker();
    await expect.poll(async () => (await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).status, { timeout: 170_000, interval: 250 }).toBe("completed");
    expect(second.output()).toMatch(/resuming after epoch \d+/);

    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, include: { version: true } });
    const progress = trainingProgress.parse(row.progress);
    expect(progress.resumedFrom).toBeGreaterThanOrEqual(killedAt);
    // Every epoch ran exactly once across the two workers.
    expect(progress.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(await t.db.modelVersion.count()).toBe(1);
    expect(row.version?.number).toBe(1);
    expect(await storage.exists(checkpointKey(id))).toBe(false);
    second.child.kill("SIGTERM");
  }, 360_000);

  it.each(["scratch", "finetune"] as const)(
    "in %s mode too: a conv job killed mid-epoch resumes after its last epoch and publishes one conv version",
    async (mode) => {
      // The same images freeze to the same snapshot: reuse the first test's.
      const snapshot = (await t.db.datasetSnapshot.findFirst()) ?? (await createSnapshot(t.db, storage, "fer-resume", "admin"));
      const epochs = 14;
      const config = { ...smallJobConfig(`resume-${mode}`, snapshot.id, epochs), ...CONV_MODE_DEFAULTS[mode], epochs, batchSize: 8, mode };
      // The scratch job distils from a registered version: its teacher's targets are kept in the checkpoint.
      const teacher = mode === "scratch" ? ((await t.db.modelVersion.findFirst()) ?? (await registerVersionDir(t.db, storage, DEFAULT_MODEL_DIR))) : null;
      if (teacher) Object.assign(config, { conv: { distill: { teacher: `v${teacher.number}`, weight: 0.5 } } });
      const versionsBefore = await t.db.modelVersion.count();
      const first = startWorker();
      const { id } = await startTraining(t.db, queue, { config, actorId: "admin" });
      const checkpointEpoch = async () => (await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).checkpointEpoch ?? 0;
      await expect.poll(checkpointEpoch, { timeout: 150_000, interval: 100 }).toBeGreaterThanOrEqual(3);
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      const killedAt = await checkpointEpoch();
      expect(killedAt).toBeLessThan(epochs);

      const second = startWorker();
      await expect
        .poll(async () => (await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).status, { timeout: 170_000, interval: 250 })
        .toBe("completed");
      expect(second.output()).toMatch(/resuming after epoch \d+/);
      if (teacher) {
        expect(first.output()).toMatch(new RegExp(`teacher v${teacher.number} \\(\\w{12}\\): \\d+ train images`));
        expect(second.output()).not.toMatch(/teacher v\d+ \(/);
      }
      const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, include: { version: true } });
      const progress = trainingProgress.parse(row.progress);
      expect(progress.resumedFrom).toBeGreaterThanOrEqual(killedAt);
      expect(progress.history.map((h) => h.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
      expect(await t.db.modelVersion.count()).toBe(versionsBefore + 1);
      const manifest = row.version!.manifest as { formatVersion: number; members: { kind: string }[] };
      expect(manifest.formatVersion).toBe(2);
      expect(manifest.members.map((m) => m.kind)).toEqual(["conv"]);
      second.child.kill("SIGTERM");
    },
    360_000,
  );
});

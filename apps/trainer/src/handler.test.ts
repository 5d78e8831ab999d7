import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cancelTraining, retryTraining, startTraining } from "@mien/api";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { trainingQueue, trainingQueueEvents } from "@mien/jobs";
import { CONV_MODE_DEFAULTS, DEFAULT_TRAINING_CONFIG, trainingProgress, type TrainingProgress } from "@mien/jobs/training";
import { BACKBONE_IDS, isOfferedBackbone } from "@mien/model";
import { manifestMembers, parseArtifactManifest } from "@mien/model/manifest";
import { EmbeddingStore, nodeModelSources, selectNodeBackend } from "@mien/model/node";
import { readVersionFile, registerVersionDir } from "@mien/registry";
import { LocalStorage } from "@mien/storage";

import { checkpointKey } from "./checkpoints.ts";
import { createSnapshot, ferSubset, importFolder } from "./testing/index.ts";
import { startTrainer } from "./worker.ts";

const DEFAULT_MODEL_DIR = new URL("../../../models/default", import.meta.url).pathname;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-${randomBytes(4).toString("hex")}`;
let t: TestDatabase;
let dataDir: string;
let storage: LocalStorage;
let worker: Worker;
let snapshotId: string;
const queue = trainingQueue({ redisUrl: REDIS_URL, prefix });
const events = trainingQueueEvents({ redisUrl: REDIS_URL, prefix });
const ADMIN = "trainer-admin";

const config = (over: Record<string, unknown> = {}) => ({
  ...DEFAULT_TRAINING_CONFIG,
  name: "test-model",
  snapshotId,
  classes: ["anger", "happiness", "neutral", "surprise"],
  epochs: 4,
  batchSize: 16,
  ...over,
});

beforeAll(async () => {
  t = await createTestDatabase("mien_test_trainer");
  dataDir = mkdtempSync(join(tmpdir(), "mien-trainer-"));
  storage = new LocalStorage(join(dataDir, "storage"));
  await t.db.user.create({ data: { id: ADMIN, email: "a@example.com", name: "Admin", role: "admin" } });
  const root = ferSubset(10, 4);
  await importFolder(t.db, storage, root);
  rmSync(root, { recursive: true, force: true });
  snapshotId = (await createSnapshot(t.db, storage, "fer-tiny", ADMIN)).id;
  const backend = await selectNodeBackend({ log: () => {} });
  worker = startTrainer({
    redisUrl: REDIS_URL,
    prefix,
    log: () => {},
    deps: {
      db: t.db,
      storage,
      embeddings: new EmbeddingStore(join(dataDir, "embeddings")),
      sources: nodeModelSources(),
      backend: backend.name,
      codeVersion: "test",
    },
  });
  await events.waitUntilReady();
}, 180_000);

afterAll(async () => {
  await worker?.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await events.close();
  await t?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("trainer worker on a real snapshot (PostgreSQL, Redis, FER2013 images, face-api weights)", () => {
  it("trains, streams progress through BullMQ, publishes exactly one version, and retrying publishes nothing more", async () => {
    const seen: TrainingProgress[] = [];
    events.on("progress", ({ data }) => seen.push(data as TrainingProgress));
    const { id } = await startTraining(t.db, queue, { config: config(), actorId: ADMIN });
    const job = (await queue.getJob(id))!;
    const result = (await job.waitUntilFinished(events, 170_000)) as { status: string; version: number; contentHash: string };
    expect(result).toMatchObject({ status: "completed", version: 1 });

    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, include: { version: true } });
    expect(row.status).toBe("completed");
    expect(row.version?.contentHash).toBe(result.contentHash);
    const stages = new Set(seen.map((p) => p.stage));
    for (const s of ["embedding", "training", "evaluating"]) expect(stages).toContain(s);
    const last = seen.filter((p) => p.history.length).at(-1)!;
    expect(last.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(await storage.exists(checkpointKey(id))).toBe(false);

    const manifest = await readVersionFile(t.db, storage, result.contentHash, "manifest.json");
    expect(manifest.status).toBe("ok");
    const parsed = JSON.parse((manifest as { body: Buffer }).body.toString("utf8"));
    expect(parsed.classes).toEqual(["anger", "happiness", "neutral", "surprise"]);
    expect(parsed.metrics.val.n).toBe(16);
    expect(parsed.members).toEqual([{ kind: "head", backbones: ["faceapi-expression"], modelFile: "model.json", quantization: "float16" }]);
    expect((await readVersionFile(t.db, storage, result.contentHash, "../manifest.json")).status).toBe("not-found");

    // Run the same job again (as a retry after a lost acknowledgement would): still one version.
    await t.db.trainingJob.update({ where: { id }, data: { status: "failed" } });
    await retryTraining(t.db, queue, { id, actorId: ADMIN });
    const again = await (await queue.getJob(id))!.waitUntilFinished(events, 60_000).catch(async () => (await queue.getJob(id))!.returnvalue);
    expect(again).toMatchObject({ status: "completed", version: 1 });
    expect(await t.db.modelVersion.count()).toBe(1);
  }, 180_000);

  it("refuses a config no trainer can run before anything is queued, with the reason", async () => {
    const before = await t.db.trainingJob.count();
    const tooMany = config({ mode: "finetune", conv: { ...DEFAULT_TRAINING_CONFIG.conv, trainableBlocks: 3, backbone: "faceapi-expression" } });
    await expect(startTraining(t.db, queue, { config: { ...tooMany, conv: { ...tooMany.conv, trainableBlocks: 4 } }, actorId: ADMIN })).rejects.toThrow(
      /^Trainable blocks must be at most 3\.$/,
    );
    await expect(startTraining(t.db, queue, { config: config({ mode: "scratch", colour: "rgb" }), actorId: ADMIN })).rejects.toThrow(
      /No trainer can run this job: Training from scratch learns from gray faces/,
    );
    await expect(
      startTraining(t.db, queue, {
        config: config({ mode: "scratch", augmentations: { ...DEFAULT_TRAINING_CONFIG.augmentations, copies: 2 } }),
        actorId: ADMIN,
      }),
    ).rejects.toThrow(/Set copies to 0/);
    await expect(startTraining(t.db, queue, { config: config({ mode: "distill" }), actorId: ADMIN })).rejects.toThrow(
      /^Mode must be one of head, finetune, scratch\.$/,
    );
    expect(await t.db.trainingJob.count()).toBe(before);
  });

  it("trains a CNN from scratch on wasm and publishes a conv version that the coach's loader runs", async () => {
    const { id } = await startTraining(t.db, queue, {
      config: config({ ...CONV_MODE_DEFAULTS.scratch, mode: "scratch", epochs: 3, batchSize: 8, name: "scratch-test" }),
      actorId: ADMIN,
    });
    const result = (await (await queue.getJob(id))!.waitUntilFinished(events, 170_000)) as { status: string; contentHash: string };
    expect(result.status).toBe("completed");
    const file = await readVersionFile(t.db, storage, result.contentHash, "manifest.json");
    const manifest = parseArtifactManifest(JSON.parse((file as { body: Buffer }).body.toString("utf8")));
    expect(manifest.formatVersion).toBe(2);
    expect(manifestMembers(manifest)).toMatchObject([{ kind: "conv", input: { size: 48, channels: 1 }, modelFile: "model.json" }]);
    expect(manifest.backbones).toEqual([]);
    expect(manifest.metrics.val!.n).toBe(16);
    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id } });
    expect(trainingProgress.parse(row.progress).history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  }, 180_000);

  it("distils a scratch CNN from a registered version, and refuses a teacher that is not one before queueing", async () => {
    const teacher = await registerVersionDir(t.db, storage, DEFAULT_MODEL_DIR);
    const distilled = (over: Record<string, unknown>) =>
      config({ ...CONV_MODE_DEFAULTS.scratch, mode: "scratch", epochs: 2, batchSize: 8, name: "distil-test", ...over });
    await expect(startTraining(t.db, queue, { config: distilled({ conv: { distill: { teacher: "v999", weight: 0.5 } } }), actorId: ADMIN })).rejects.toThrow(
      /The teacher “v999” is not a registered model version/,
    );
    // The committed default learnt FER2013's 7 classes: it cannot teach contempt.
    await expect(
      startTraining(t.db, queue, {
        config: distilled({ classes: ["contempt", "happiness"], conv: { distill: { teacher: `v${teacher.number}`, weight: 0.5 } } }),
        actorId: ADMIN,
      }),
    ).rejects.toThrow(new RegExp(`The teacher v${teacher.number} \\(fer7-faceapi-mlp\\) does not know contempt`));
    const { id } = await startTraining(t.db, queue, {
      config: distilled({ conv: { distill: { teacher: teacher.contentHash, weight: 0.6 } } }),
      actorId: ADMIN,
    });
    const result = (await (await queue.getJob(id))!.waitUntilFinished(events, 170_000)) as { status: string; contentHash: string };
    expect(result.status).toBe("completed");
    const file = await readVersionFile(t.db, storage, result.contentHash, "manifest.json");
    const manifest = parseArtifactManifest(JSON.parse((file as { body: Buffer }).body.toString("utf8")));
    const [member] = manifestMembers(manifest);
    expect(member!.kind === "conv" && member!.architecture).toMatch(
      new RegExp(`distilled from fer7-faceapi-mlp \\(${teacher.contentHash.slice(0, 12)}, weight 0.6\\)`),
    );
  }, 180_000);

  it("fine-tunes the top block of face-api's expression net on wasm and publishes a version with its trunk", async () => {
    const { id } = await startTraining(t.db, queue, {
      config: config({ ...CONV_MODE_DEFAULTS.finetune, mode: "finetune", epochs: 2, batchSize: 8, name: "finetune-test" }),
      actorId: ADMIN,
    });
    const result = (await (await queue.getJob(id))!.waitUntilFinished(events, 170_000)) as { status: string; contentHash: string };
    expect(result.status).toBe("completed");
    const file = await readVersionFile(t.db, storage, result.contentHash, "manifest.json");
    const manifest = parseArtifactManifest(JSON.parse((file as { body: Buffer }).body.toString("utf8")));
    expect(manifestMembers(manifest)).toMatchObject([{ kind: "conv", trunk: { id: "faceapi-expression", blocks: 3 }, modelFile: "model.json" }]);
    expect(manifest.backbones.map((b) => b.id)).toEqual(["faceapi-expression"]);
    expect(manifest.metrics.val!.n).toBe(16);
    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id } });
    const stages = trainingProgress.parse(row.progress);
    expect(stages.history.map((h) => h.epoch)).toEqual([1, 2]);
  }, 180_000);

  it("cancels a running job at its next batch, without publishing", async () => {
    const versions = await t.db.modelVersion.count();
    const { id } = await startTraining(t.db, queue, {
      config: config({ epochs: 400, batchSize: 8, earlyStopping: { enabled: false, patience: 6 } }),
      actorId: ADMIN,
    });
    const job = (await queue.getJob(id))!;
    await expect
      .poll(async () => (await t.db.trainingJob.findUniqueOrThrow({ where: { id } })).checkpointEpoch ?? 0, { timeout: 90_000, interval: 200 })
      .toBeGreaterThan(1);
    await cancelTraining(t.db, queue, { id, actorId: ADMIN });
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/Cancelled by an admin/);
    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, include: { version: true } });
    expect(row.status).toBe("cancelled");
    expect(row.version).toBeNull();
    expect(await t.db.modelVersion.count()).toBe(versions);
  }, 180_000);

  it("rejects a config naming an unknown or no longer offered backbone or a class the snapshot lacks, before queueing", async () => {
    const jobs = await t.db.trainingJob.count();
    await expect(startTraining(t.db, queue, { config: config({ backbones: ["imagenet-resnet"] }), actorId: ADMIN })).rejects.toThrow(
      /Unknown backbone\(s\) imagenet-resnet; choose from/,
    );
    // Loadable (models on it still work) but not offered for new jobs.
    const retired = BACKBONE_IDS.find((id) => !isOfferedBackbone(id))!;
    await expect(startTraining(t.db, queue, { config: config({ backbones: ["faceapi-expression", retired] }), actorId: ADMIN })).rejects.toThrow(
      new RegExp(`Backbone\\(s\\) ${retired} are no longer offered for new jobs`),
    );
    await expect(startTraining(t.db, queue, { config: config({ classes: ["anger", "contempt"] }), actorId: ADMIN })).rejects.toThrow(
      /no training images of contempt/,
    );
    await expect(startTraining(t.db, queue, { config: config({ epochs: 0 }), actorId: ADMIN })).rejects.toThrow(/^Epochs must be at least 1\.$/);
    expect(await t.db.trainingJob.count()).toBe(jobs);
  });
});

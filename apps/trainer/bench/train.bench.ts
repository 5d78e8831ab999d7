// `pnpm bench:train`: a real training job on a FER2013 snapshot (train + val, ~32k images, of
// which ~29k train), from the moment it is queued to its published artifact, on a throwaway
// database, storage and queue, with an empty embedding cache (cold; --cache DIR to reuse one).
// Then the same job again on the now-warm cache. Prints one JSON object with both. `--per-class N` caps each class per split for a quick check.
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { startTraining } from "@mien/api";
import { runImport } from "@mien/dataset";
import { createTestDatabase } from "@mien/db/testing";
import { trainingQueue, trainingQueueEvents } from "@mien/jobs";
import { DEFAULT_TRAINING_CONFIG, type EpochMetrics } from "@mien/jobs/training";
import { EmbeddingStore, nodeModelSources, selectNodeBackend } from "@mien/model/node";
import { LocalStorage } from "@mien/storage";

import { createSnapshot, FER } from "../src/testing/index.ts";
import { startTrainer } from "../src/worker.ts";

const { values } = parseArgs({ options: { "per-class": { type: "string" }, cache: { type: "string" }, epochs: { type: "string" } } });
const perClass = values["per-class"] ? Number(values["per-class"]) : Infinity;
const work = mkdtempSync(join(tmpdir(), "mien-bench-train-"));
const t = await createTestDatabase("mien_bench_train");
const storage = new LocalStorage(join(work, "storage"));
const prefix = `mien-bench-${randomBytes(4).toString("hex")}`;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const queue = trainingQueue({ redisUrl, prefix });
const events = trainingQueueEvents({ redisUrl, prefix });
try {
  // The data: FER2013 train + val through the real importer (not timed as training).
  let root = resolve(FER);
  if (Number.isFinite(perClass)) {
    root = join(work, "fer");
    for (const split of ["train", "val"]) {
      for (const c of readdirSync(join(FER, split))) {
        mkdirSync(join(root, split, c), { recursive: true });
        for (const f of readdirSync(join(FER, split, c))
          .sort()
          .slice(0, perClass))
          copyFileSync(join(FER, split, c, f), join(root, split, c, f));
      }
    }
  }
  const importStarted = performance.now();
  await runImport({ db: t.db, storage, root });
  const importSeconds = (performance.now() - importStarted) / 1000;
  await t.db.user.create({ data: { id: "bench", email: "bench@example.com", name: "bench", role: "admin" } });
  const snapshot = await createSnapshot(t.db, storage, "fer2013-bench", "bench");
  const counts = await t.db.datasetSnapshot.findUniqueOrThrow({ where: { id: snapshot.id }, select: { imageCount: true, classCounts: true } });
  const trainImages = Object.values((counts.classCounts as { train: Record<string, number> }).train).reduce((a, b) => a + b, 0);

  const backend = await selectNodeBackend({ log: () => {} });
  const cacheDir = values.cache ? resolve(values.cache) : join(work, "embeddings");
  const worker = startTrainer({
    redisUrl,
    prefix,
    log: (l) => console.error(l),
    deps: { db: t.db, storage, embeddings: new EmbeddingStore(cacheDir), sources: nodeModelSources(), backend: backend.name, codeVersion: "bench" },
  });
  await events.waitUntilReady();
  const classes = Object.keys((counts.classCounts as { train: Record<string, number> }).train);
  const embeddings = (config: { augmentations: { flip: boolean }; tta: string }) =>
    trainImages * (config.augmentations.flip ? 2 : 1) + (counts.imageCount - trainImages) * (config.tta === "flip" ? 2 : 1);

  /** One job from queued to published; the stage timings come from BullMQ's progress events. */
  async function runJob(name: string) {
    const config = { ...DEFAULT_TRAINING_CONFIG, name, snapshotId: snapshot.id, classes, ...(values.epochs ? { epochs: Number(values.epochs) } : {}) };
    const started = performance.now();
    const stageStart: Record<string, number> = {};
    const onProgress = ({ jobId, data }: { jobId: string; data: unknown }) => {
      if (jobId !== id) return;
      const stage = (data as { stage: string }).stage;
      stageStart[stage] ??= (performance.now() - started) / 1000;
    };
    let id = "";
    events.on("progress", onProgress);
    ({ id } = await startTraining(t.db, queue, { config, actorId: "bench" }));
    const result = await (await queue.getJob(id))!.waitUntilFinished(events);
    events.off("progress", onProgress);
    const seconds = (performance.now() - started) / 1000;
    const row = await t.db.trainingJob.findUniqueOrThrow({ where: { id }, select: { progress: true } });
    const history = (row.progress as { history: EpochMetrics[] }).history;
    const embedSeconds = (stageStart.training ?? seconds) - (stageStart.embedding ?? 0);
    return {
      embeddingImagesPerSecond: Math.round((embeddings(config) / Math.max(embedSeconds, 1e-3)) * 10) / 10,
      stageStartSeconds: Object.fromEntries(Object.entries(stageStart).map(([k, v]) => [k, Math.round(v)])),
      epochs: history.length,
      minutesToPublished: Math.round((seconds / 60) * 100) / 100,
      result,
    };
  }

  // The same job twice: first with the cache as given (empty unless --cache), then warm, as an
  // admin's retrain after a first training on the same images is.
  const first = await runJob("bench-first");
  const warm = await runJob("bench-warm");
  await worker.close();
  console.log(
    JSON.stringify(
      {
        bench: "train",
        snapshotImages: counts.imageCount,
        trainImages,
        backend: backend.name,
        cores: availableParallelism(),
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
        importSeconds: Math.round(importSeconds),
        [values.cache ? "given" : "cold"]: { ...first, goalMinutes: values.cache ? undefined : 10 },
        warm: { ...warm, goalMinutes: 3 },
      },
      null,
      2,
    ),
  );
} finally {
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await events.close();
  await t.drop();
  rmSync(work, { recursive: true, force: true });
}

import { UnrecoverableError, type Job } from "bullmq";

import type { Db, Prisma } from "@mien/db";
import { trainingJobPayload, trainingProgress, type TrainingConfig, type TrainingProgress } from "@mien/jobs/training";
import { loadExpressionModel, type ModelSources } from "@mien/model";
import { runTrainingPipeline, TrainingInputError, type EmbeddingStore, type PipelineProgress } from "@mien/model/node";
import { findVersion, publishVersion } from "@mien/registry";
import type { Storage } from "@mien/storage";

import { jobCheckpoints } from "./checkpoints.ts";
import { JobCancelledError, LockLostError } from "./errors.ts";
import { loadSnapshotSource } from "./snapshot-source.ts";
import { versionFiles } from "./version-files.ts";

export interface TrainerDeps {
  db: Db;
  storage: Storage;
  embeddings: EmbeddingStore;
  sources: ModelSources;
  /** The TF.js backend this worker runs on. */
  backend: string;
  /** Worker threads for conv training (default 2). */
  threads?: number;
  codeVersion: string;
  /** BullMQ lock duration (ms); checked before every checkpoint and the publish. */
  lockDuration: number;
  log: (line: string) => void;
}

export type TrainingResult =
  | { trainingJobId: string; status: "completed"; versionId: string; version: number; contentHash: string; resumedFrom: number | null }
  | { trainingJobId: string; status: "cancelled" };

const asJson = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * The worker's job handler: trains one TrainingJob on its pinned snapshot and publishes exactly one
 * version. Safe to run again after any crash: embeddings come back from the cache, training resumes
 * from the last epoch checkpoint, and publishing is idempotent per job.
 */
export function createTrainingHandler(deps: TrainerDeps) {
  const { db, storage, log } = deps;

  return async function handleTrainingJob(job: Job, token?: string): Promise<TrainingResult> {
    const parsed = trainingJobPayload.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `Training job ${job.id} has an invalid payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    const { trainingJobId, config } = parsed.data;
    const row = await db.trainingJob.findUnique({
      where: { id: trainingJobId },
      select: { status: true, snapshotId: true, version: { select: { id: true, number: true, contentHash: true } } },
    });
    if (!row) throw new UnrecoverableError(`Training job ${trainingJobId} has no database row; it was deleted.`);
    if (row.status === "cancelled") return { trainingJobId, status: "cancelled" };
    if (row.version) {
      // Published by an earlier attempt that died before BullMQ heard of it.
      await db.trainingJob.update({ where: { id: trainingJobId }, data: { status: "completed", finishedAt: new Date() } });
      return {
        trainingJobId,
        status: "completed",
        versionId: row.version.id,
        version: row.version.number,
        contentHash: row.version.contentHash,
        resumedFrom: null,
      };
    }
    if (row.snapshotId !== config.snapshotId)
      throw new UnrecoverableError(`Training job ${trainingJobId}'s payload names another snapshot than its row; refusing to train.`);

    await db.trainingJob.update({
      where: { id: trainingJobId },
      data: { status: "running", startedAt: new Date(), attempts: { increment: 1 }, backend: deps.backend, error: null },
    });

    const checkpoints = jobCheckpoints(db, storage, trainingJobId);
    let lastStopCheck = 0;
    const checkStop = async () => {
      const now = Date.now();
      if (now - lastStopCheck < 1000) return;
      lastStopCheck = now;
      const current = await db.trainingJob.findUnique({ where: { id: trainingJobId }, select: { status: true } });
      if (current?.status === "cancelled") throw new JobCancelledError();
    };
    const assertLock = async () => {
      if (token && !(await job.extendLock(token, deps.lockDuration))) throw new LockLostError(String(job.id));
    };
    let lastPersisted = { stage: "", epoch: -1, at: 0 };
    let latest: TrainingProgress | null = null;
    const progress = async (p: PipelineProgress | TrainingProgress) => {
      latest = trainingProgress.parse(p);
      await job.updateProgress(latest);
      const now = Date.now();
      // The row keeps what a page needs after the queue forgets the job: each stage and epoch.
      if (latest.stage !== lastPersisted.stage || (latest.epoch ?? -1) !== lastPersisted.epoch || now - lastPersisted.at > 10_000) {
        lastPersisted = { stage: latest.stage, epoch: latest.epoch ?? -1, at: now };
        await db.trainingJob.update({ where: { id: trainingJobId }, data: { progress: asJson(latest) } });
      }
    };

    try {
      const source = await loadSnapshotSource(db, storage, config.snapshotId);
      const result = await runTrainingPipeline({
        recipe: config,
        images: source.images,
        readImage: source.readImage,
        snapshot: { contentHash: source.snapshot.contentHash, name: source.snapshot.name, imageCount: source.snapshot.imageCount },
        store: deps.embeddings,
        sources: deps.sources,
        backend: deps.backend,
        threads: deps.threads,
        codeVersion: deps.codeVersion,
        config: config as unknown as Record<string, unknown>,
        loadTeacher: async (ref) => {
          const version = await findVersion(db, ref);
          if (!version) throw new TrainingInputError(`The teacher “${ref}” is not a registered model version (any more); pick another and retrain.`);
          const model = await loadExpressionModel(version.manifest, versionFiles(storage, version.contentHash), deps.sources);
          return { ref: `v${version.number}`, contentHash: version.contentHash, model };
        },
        hooks: {
          progress,
          checkStop,
          loadCheckpoint: checkpoints.load,
          saveCheckpoint: async (bytes, epoch) => {
            await assertLock();
            await checkpoints.save(bytes, epoch);
          },
          log: (line) => log(`job ${trainingJobId}: ${line}`),
        },
      });
      const resumedFrom = (latest as TrainingProgress | null)?.resumedFrom ?? null;
      await progress({ ...((latest as TrainingProgress | null) ?? { history: [] }), stage: "publishing", percent: 98, message: "Publishing the version" });
      await assertLock();
      const published = await publishVersion(db, storage, {
        files: result.files,
        trainingJobId,
        onPublished: async (tx, version) => {
          await tx.trainingJob.update({
            where: { id: trainingJobId },
            data: {
              status: "completed",
              finishedAt: new Date(),
              error: null,
              progress: asJson({ ...(latest ?? {}), stage: "done", percent: 100, message: `Published version ${version.number}` }),
            },
          });
        },
      });
      await job.updateProgress({ ...(latest ?? { history: [] }), stage: "done", percent: 100, message: `Published version ${published.number}` });
      await checkpoints.remove().catch(() => undefined);
      log(
        `job ${trainingJobId}: published version ${published.number} (${published.contentHash.slice(0, 12)}), val accuracy ${result.manifest.metrics.val?.accuracy}`,
      );
      return { trainingJobId, status: "completed", versionId: published.id, version: published.number, contentHash: published.contentHash, resumedFrom };
    } catch (error) {
      if (error instanceof JobCancelledError) {
        await checkpoints.remove().catch(() => undefined);
        throw new UnrecoverableError(error.message);
      }
      if (error instanceof LockLostError) throw error; // The new owner keeps the row up to date.
      const message = (error as Error).message;
      // Input errors and a diverged loss (retryable: false) would fail the same way again.
      const hopeless = error instanceof TrainingInputError || (error as { retryable?: unknown }).retryable === false;
      const final = hopeless || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await db.trainingJob.updateMany({
        where: { id: trainingJobId, status: { not: "cancelled" } },
        data: final
          ? { status: "failed", error: message, finishedAt: new Date() }
          : { status: "queued", error: `Attempt ${job.attemptsMade + 1} failed, retrying: ${message}` },
      });
      if (hopeless) throw new UnrecoverableError(message);
      throw error;
    }
  };
}

export type { TrainingConfig };

import type { Db } from "@mien/db";
import { AppError } from "@mien/errors";
import { trainingProgress, type TrainingConfig, type TrainingProgress } from "@mien/jobs/training";

import type { TrainingQueue } from "./queue.ts";

const ROW = {
  id: true,
  status: true,
  config: true,
  error: true,
  progress: true,
  backend: true,
  attempts: true,
  checkpointEpoch: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  createdBy: { select: { email: true, name: true } },
  snapshot: { select: { id: true, name: true, contentHash: true, imageCount: true } },
  version: { select: { id: true, number: true, contentHash: true } },
} as const;

function progressOf(value: unknown): TrainingProgress | null {
  const parsed = trainingProgress.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Recent jobs, newest first, with the progress stored on each row. */
export async function listTrainingJobs(db: Db, limit = 50) {
  const rows = await db.trainingJob.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit, select: ROW });
  return rows.map((r) => ({ ...r, config: r.config as unknown as TrainingConfig, progress: progressOf(r.progress) }));
}

/**
 * One job, with live progress: BullMQ's own (job.updateProgress, per batch) while the job is
 * active, else what the worker stored on the row (per stage and epoch).
 */
export async function getTrainingJob(db: Db, queue: TrainingQueue, id: string) {
  const row = await db.trainingJob.findUnique({ where: { id }, select: ROW });
  if (!row) throw new AppError("NOT_FOUND", "No such training job.");
  let progress = progressOf(row.progress);
  let queueState: string | null = null;
  if (row.status === "queued" || row.status === "running") {
    const job = await queue.getJob(id).catch(() => undefined);
    if (job) {
      queueState = await job.getState();
      const live = progressOf(job.progress);
      if (live && (!progress || live.percent >= progress.percent)) progress = live;
    }
  }
  return { ...row, config: row.config as unknown as TrainingConfig, progress, queueState };
}

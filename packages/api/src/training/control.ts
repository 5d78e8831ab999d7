import { audit, type Db } from "@mien/db";
import { AppError } from "@mien/errors";
import type { TrainingJobPayload } from "@mien/jobs/training";

import type { TrainingQueue } from "./queue.ts";

/**
 * Cancels a queued or running job. The row is marked at once; a queued job is taken off the
 * queue, and a running one stops at its next batch (the worker checks the row).
 */
export async function cancelTraining(db: Db, queue: TrainingQueue, input: { id: string; actorId: string }): Promise<{ status: string }> {
  const updated = await db.trainingJob.updateMany({
    where: { id: input.id, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", finishedAt: new Date(), error: "Cancelled by an admin." },
  });
  if (!updated.count) {
    const row = await db.trainingJob.findUnique({ where: { id: input.id }, select: { status: true } });
    if (!row) throw new AppError("NOT_FOUND", "No such training job.");
    throw new AppError("PRECONDITION_FAILED", `The job is already ${row.status}; only queued or running jobs can be cancelled.`);
  }
  await audit(db, { actorId: input.actorId, action: "training.cancel", entityType: "training_job", entityId: input.id });
  const job = await queue.getJob(input.id);
  const state = await job?.getState();
  if (job && (state === "waiting" || state === "delayed" || state === "prioritized")) await job.remove().catch(() => undefined);
  return { status: "cancelled" };
}

/**
 * Runs a failed or cancelled job again (same config, same snapshot). Its last epoch checkpoint,
 * if any, is kept, so training continues where it stopped.
 */
export async function retryTraining(db: Db, queue: TrainingQueue, input: { id: string; actorId: string }): Promise<{ status: string }> {
  const row = await db.trainingJob.findUnique({ where: { id: input.id }, select: { status: true, config: true } });
  if (!row) throw new AppError("NOT_FOUND", "No such training job.");
  if (row.status !== "failed" && row.status !== "cancelled")
    throw new AppError("PRECONDITION_FAILED", `The job is ${row.status}; only failed or cancelled jobs can be retried.`);
  const updated = await db.trainingJob.updateMany({ where: { id: input.id, status: row.status }, data: { status: "queued", error: null, finishedAt: null } });
  if (!updated.count) throw new AppError("CONFLICT", "The job changed meanwhile; reload and try again.");
  await audit(db, { actorId: input.actorId, action: "training.retry", entityType: "training_job", entityId: input.id });
  const existing = await queue.getJob(input.id);
  if (existing) {
    const state = await existing.getState();
    if (state === "failed") return await existing.retry("failed").then(() => ({ status: "queued" }));
    if (state === "active" || state === "waiting" || state === "delayed") return { status: "queued" };
    await existing.remove().catch(() => undefined);
  }
  const payload = { v: 2, trainingJobId: input.id, config: row.config } as TrainingJobPayload;
  await queue.add("train", payload, { jobId: input.id });
  return { status: "queued" };
}

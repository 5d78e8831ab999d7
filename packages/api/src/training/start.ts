import { audit, type Db, type Prisma } from "@mien/db";
import { AppError } from "@mien/errors";
import { configProblems, trainingConfig, unrunnableReason, type TrainingConfig, type TrainingJobPayload } from "@mien/jobs/training";
import { isBackboneId, isOfferedBackbone, OFFERED_BACKBONES } from "@mien/model";
import { findVersion } from "@mien/registry";

import type { TrainingQueue } from "./queue.ts";

type SplitCounts = Partial<Record<"train" | "val" | "test", Partial<Record<string, number>>>>;

/**
 * Validates a job config against the snapshot it pins, stores the job and queues it (BullMQ job
 * id = row id, so it is queued once). Errors name the field and what to do.
 */
export async function startTraining(db: Db, queue: TrainingQueue, input: { config: unknown; actorId: string }): Promise<{ id: string }> {
  const parsed = trainingConfig.safeParse(input.config);
  if (!parsed.success) {
    throw new AppError("BAD_REQUEST", configProblems(parsed.error.issues).join(" "));
  }
  const config: TrainingConfig = parsed.data;
  const unknown = config.mode === "head" ? config.backbones.filter((b) => !isBackboneId(b)) : [];
  const offered = OFFERED_BACKBONES.map((b) => b.id).join(", ");
  if (unknown.length) throw new AppError("BAD_REQUEST", `Unknown backbone(s) ${unknown.join(", ")}; choose from ${offered}.`);
  // Retries re-queue their stored config and skip this; models on other ids still load.
  const notOffered = config.mode === "head" ? config.backbones.filter((b) => !isOfferedBackbone(b)) : [];
  if (notOffered.length)
    throw new AppError(
      "BAD_REQUEST",
      `Backbone(s) ${notOffered.join(", ")} are no longer offered for new jobs (measured not worth it: packages/model/research/README.md); choose from ${offered}.`,
    );
  const unrunnable = unrunnableReason(config);
  if (unrunnable) throw new AppError("BAD_REQUEST", `No trainer can run this job: ${unrunnable}`);
  const teacherRef = config.conv.distill?.teacher;
  if (teacherRef !== undefined) {
    const teacher = await findVersion(db, teacherRef);
    if (!teacher)
      throw new AppError("BAD_REQUEST", `The teacher “${teacherRef}” is not a registered model version; name one by its number (e.g. v3), id or content hash.`);
    const unknown = config.classes.filter((c) => !teacher.manifest.classes.includes(c));
    if (unknown.length)
      throw new AppError(
        "BAD_REQUEST",
        `The teacher v${teacher.number} (${teacher.manifest.name}) does not know ${unknown.join(", ")}; pick a teacher with every class of the job, or untick ${unknown.length === 1 ? "it" : "them"}.`,
      );
  }
  const snapshot = await db.datasetSnapshot.findUnique({ where: { id: config.snapshotId }, select: { id: true, name: true, classCounts: true } });
  if (!snapshot) throw new AppError("NOT_FOUND", "That dataset snapshot does not exist. Pick one from the list.");
  const counts = snapshot.classCounts as SplitCounts;
  const missing = config.classes.filter((c) => !counts.train?.[c]);
  if (missing.length)
    throw new AppError(
      "BAD_REQUEST",
      `Snapshot "${snapshot.name}" has no training images of ${missing.join(", ")}; untick ${missing.length === 1 ? "it" : "them"} or pick another snapshot.`,
    );
  const valCount = config.classes.reduce((n, c) => n + (counts.val?.[c] ?? 0), 0);
  if (!valCount)
    throw new AppError("BAD_REQUEST", `Snapshot "${snapshot.name}" has no val images of the chosen classes; val is needed for early stopping and calibration.`);

  const row = await db.$transaction(async (tx) => {
    const job = await tx.trainingJob.create({
      data: {
        snapshotId: snapshot.id,
        config: config as unknown as Prisma.InputJsonValue,
        createdById: input.actorId,
        progress: { stage: "queued", percent: 0, history: [] },
      },
      select: { id: true },
    });
    await tx.trainingJob.update({ where: { id: job.id }, data: { queueJobId: job.id } });
    await audit(tx, {
      actorId: input.actorId,
      action: "training.start",
      entityType: "training_job",
      entityId: job.id,
      after: { name: config.name, snapshotId: snapshot.id },
    });
    return job;
  });
  const payload: TrainingJobPayload = { v: 2, trainingJobId: row.id, config };
  try {
    await queue.add("train", payload, { jobId: row.id });
  } catch (error) {
    await db.trainingJob.update({ where: { id: row.id }, data: { status: "failed", error: `Could not queue the job: ${(error as Error).message}` } });
    throw new AppError("PRECONDITION_FAILED", `The job could not be queued (is Redis running?): ${(error as Error).message}`);
  }
  return row;
}

import type { Queue } from "bullmq";

import type { Db, Prisma } from "@mien/db";
import { AppError } from "@mien/errors";
import type { ScreeningJobPayload } from "@mien/jobs";

import { screeningOptions, type ScreeningOptionsInput } from "../options.ts";

export interface StartResult {
  runId: string;
  /** False when a run was already queued or running: that run is returned instead of a second one. */
  created: boolean;
}

/** Thrown when the options do not validate; its message lists what is wrong. */
export class ScreeningOptionsError extends AppError {
  override readonly name = "ScreeningOptionsError";

  constructor(message: string) {
    super("BAD_REQUEST", message);
  }
}

/** The queue (Redis) did not take the job; the run is marked failed when it was new. */
function queueUnavailable(error: unknown): AppError {
  return new AppError("SERVICE_UNAVAILABLE", `Could not queue the screening job: ${(error as Error).message}. Is Redis running (REDIS_URL)?`, { cause: error });
}

/**
 * Starts a screening run over the whole image set, or returns the one already active (one run
 * at a time: two would write the same signals). An active run whose queue job has vanished
 * (Redis was flushed) is queued again, and resumes where it stopped.
 */
export async function startScreening(
  db: Db,
  queue: Queue<ScreeningJobPayload>,
  args: { actorId: string | null; options?: ScreeningOptionsInput },
): Promise<StartResult> {
  const parsed = screeningOptions.safeParse(args.options ?? {});
  if (!parsed.success)
    throw new ScreeningOptionsError(
      `Invalid screening options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ")}`,
    );
  const options = parsed.data;

  const { runId, created } = await db.$transaction(async (tx) => {
    // Serialises concurrent starts (two admins clicking at once) without locking the table.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('mien.screening.start'))`;
    const active = await tx.screeningRun.findFirst({ where: { status: { in: ["queued", "running"] } }, orderBy: { createdAt: "desc" } });
    if (active) return { runId: active.id, created: false };
    const run = await tx.screeningRun.create({
      data: {
        options: options as unknown as Prisma.InputJsonValue,
        startedById: args.actorId,
        stages: { create: options.stages.map((stage, position) => ({ stage, position })) },
      },
    });
    return { runId: run.id, created: true };
  });

  try {
    const existing = created ? undefined : await queue.getJob(runId);
    if (existing) {
      // Waiting or active: it is on its way. Failed out of retries: give it another round. Completed
      // without finishing the run (it should not happen): make room for a fresh job.
      if (await existing.isFailed()) {
        await existing.retry();
        return { runId, created };
      }
      if (!(await existing.isCompleted())) return { runId, created };
      await existing.remove();
    }
  } catch (error) {
    throw queueUnavailable(error);
  }
  try {
    // The run id is the job id: adding it twice is a no-op in BullMQ.
    const job = await queue.add("screen", { v: 1, runId }, { jobId: runId });
    await db.screeningRun.update({ where: { id: runId }, data: { queueJobId: job.id ?? runId } });
  } catch (error) {
    const unavailable = queueUnavailable(error);
    await db.screeningRun.update({ where: { id: runId }, data: { status: "failed", error: unavailable.message, finishedAt: new Date() } });
    throw unavailable;
  }
  return { runId, created };
}

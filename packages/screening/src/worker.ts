import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";

import type { Db } from "@mien/db";
import { logRedisConnection, QUEUE_NAMES, redisConnection, screeningJobPayload, type ScreeningJobPayload } from "@mien/jobs";
import type { Storage } from "@mien/storage";

import { runScreening } from "./run/run-screening.ts";
import { ScreeningInterrupted } from "./stages/context.ts";

export interface ScreenerOptions {
  redisUrl: string;
  prefix?: string;
  db: Db;
  storage: Storage;
  log?: (line: string) => void;
  /**
   * How long a job's lock lasts without renewal. A killed screener's job goes back to the queue
   * once its lock expires and the stalled-job check runs; tests shorten both.
   */
  lockDuration?: number;
  stalledInterval?: number;
}

export interface Screener {
  worker: Worker<ScreeningJobPayload>;
  /**
   * Stops after the current batch: the run goes back to the queue (not counted as a failure)
   * and the next screener resumes it from its last committed batch.
   */
  close(): Promise<void>;
}

/**
 * The screening worker: one run at a time per process (the models use the CPU fully). BullMQ's
 * lock keeps two screeners off the same run; a stalled run is picked up again and resumes.
 */
export function startScreener(options: ScreenerOptions): Screener {
  const { db, storage, log = console.log } = options;
  const stopping = new AbortController();
  const worker = new Worker<ScreeningJobPayload>(
    QUEUE_NAMES.screening,
    async (job: Job<ScreeningJobPayload>, token?: string) => {
      const parsed = screeningJobPayload.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(`Screening job ${job.id} has an invalid payload: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
      }
      const { runId } = parsed.data;
      try {
        return await runScreening(
          { db, storage, log: (m) => log(`screening ${runId}: ${m}`), report: (p) => job.updateProgress(p), signal: stopping.signal },
          runId,
        );
      } catch (error) {
        if (error instanceof ScreeningInterrupted && token) {
          // Back to the queue without spending an attempt; a screener picks it up and resumes.
          await job.moveToDelayed(Date.now() + 1_000, token);
          throw new DelayedError();
        }
        // Kept on the run while BullMQ retries, so the admin page can say what went wrong.
        await db.screeningRun.update({ where: { id: runId }, data: { error: (error as Error).message.slice(0, 2000) } }).catch(() => undefined);
        throw error;
      }
    },
    {
      connection: redisConnection(options.redisUrl),
      prefix: options.prefix,
      concurrency: 1,
      lockDuration: options.lockDuration ?? 60_000,
      stalledInterval: options.stalledInterval ?? 30_000,
      // A screener killed mid-run is not a reason to give the run up: it resumes from its last batch.
      maxStalledCount: 10,
    },
  );
  worker.on("active", (job) => log(`screening job ${job.id} started`));
  worker.on("completed", (job) => log(`screening job ${job.id} completed`));
  worker.on("failed", (job, err) => {
    log(`screening job ${job?.id ?? "?"} failed: ${err.message}`);
    const finalAttempt = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const runId = job?.data?.runId;
    if (finalAttempt && runId) {
      void db.screeningRun
        .updateMany({
          where: { id: runId, status: { in: ["queued", "running"] } },
          data: { status: "failed", error: err.message.slice(0, 2000), finishedAt: new Date() },
        })
        .catch((e: unknown) => log(`could not mark screening run ${runId} failed: ${(e as Error).message}`));
    }
  });
  worker.on("error", (err) => log(`screener error: ${err.message}`));
  logRedisConnection(worker, log, "screener");
  return {
    worker,
    async close() {
      stopping.abort();
      await worker.close();
    },
  };
}

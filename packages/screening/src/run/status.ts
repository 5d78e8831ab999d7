import type { Queue } from "bullmq";

import type { Db } from "@mien/db";
import { screeningProgress, type ScreeningJobPayload, type ScreeningProgress } from "@mien/jobs";

import { runPercent } from "../options.ts";

export interface ScreeningStageStatus {
  stage: string;
  done: boolean;
  processed: number;
  total: number;
  failed: number;
  seconds: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  detail: unknown;
}

export interface ScreeningRunStatus {
  id: string;
  status: "queued" | "running" | "completed" | "failed";
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  startedBy: { id: string; name: string; email: string } | null;
  /** 0–100 for the whole run. */
  percent: number;
  /** The screener's latest report (BullMQ job progress), when the job is still known to the queue. */
  live: ScreeningProgress | null;
  stages: ScreeningStageStatus[];
}

/** The latest runs, newest first, with their stages; the newest gets its live queue progress. */
export async function screeningStatus(db: Db, queue: Queue<ScreeningJobPayload> | null, limit = 5): Promise<ScreeningRunStatus[]> {
  const runs = await db.screeningRun.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { stages: { orderBy: { position: "asc" } }, startedBy: { select: { id: true, name: true, email: true } } },
  });
  return Promise.all(
    runs.map(async (run, i) => {
      let live: ScreeningProgress | null = null;
      if (i === 0 && queue && (run.status === "queued" || run.status === "running")) {
        const job = await queue.getJob(run.queueJobId ?? run.id).catch(() => undefined);
        const parsed = screeningProgress.safeParse(job?.progress);
        live = parsed.success ? parsed.data : null;
      }
      const stages = run.stages.map((s) => ({
        stage: s.stage,
        done: s.done,
        processed: s.processed,
        total: s.total,
        failed: s.failed,
        seconds: s.seconds,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        detail: s.detail,
      }));
      const fromDb = run.status === "completed" ? 100 : runPercent(stages);
      return {
        id: run.id,
        status: run.status,
        error: run.error,
        createdAt: run.createdAt,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        startedBy: run.startedBy,
        // The job's report is finer inside a whole-set stage; the database never goes backwards.
        percent: Math.max(fromDb, live?.percent ?? 0),
        live,
        stages,
      };
    }),
  );
}

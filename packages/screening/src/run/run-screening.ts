import type { Db } from "@mien/db";
import type { ScreeningProgress, ScreeningStage } from "@mien/jobs";
import type { ModelSources } from "@mien/model";
import { nodeModelSources, selectNodeBackend } from "@mien/model/node";
import type { Storage } from "@mien/storage";

import { runPercent, screeningOptions } from "../options.ts";
import { referenceDir } from "../reference.ts";
import { throwIfStopping, type GlobalStage, type StageContext } from "../stages/context.ts";
import { DuplicatesStage } from "../stages/duplicates-stage.ts";
import { EmbeddingsStage } from "../stages/embeddings-stage.ts";
import { FacesStage } from "../stages/faces-stage.ts";
import { FlagsStage } from "../stages/flags-stage.ts";
import { runBatches, type BatchStage } from "../stages/image-batches.ts";
import { MislabelStage } from "../stages/mislabel-stage.ts";
import { OcrStage } from "../stages/ocr-stage.ts";

export interface RunDeps {
  db: Db;
  storage: Storage;
  /** Model files; defaults to the installed npm packages' folders. */
  models?: ModelSources;
  /** Where progress goes (the worker passes BullMQ's job.updateProgress). */
  report?: (progress: ScreeningProgress) => Promise<void>;
  log?: (message: string) => void;
  /** Aborting stops the run between batches with ScreeningInterrupted; it resumes later. */
  signal?: AbortSignal;
  /** The mislabel stage's reference model folder (reference.ts); default from MIEN_SCREENING_REFERENCE, null for none. */
  reference?: string | null;
}

function stageFor(name: ScreeningStage, reference: string | null): GlobalStage | BatchStage<unknown> {
  switch (name) {
    case "duplicates":
      return new DuplicatesStage();
    case "faces":
      return new FacesStage() as BatchStage<unknown>;
    case "ocr":
      return new OcrStage() as BatchStage<unknown>;
    case "embeddings":
      return new EmbeddingsStage(reference) as BatchStage<unknown>;
    case "mislabel":
      return new MislabelStage(reference);
    case "flags":
      return new FlagsStage();
  }
}

const isBatchStage = (s: GlobalStage | BatchStage<unknown>): s is BatchStage<unknown> => "process" in s;

/** Progress reports at most this often (plus every stage start and end), so Redis is not flooded. */
const REPORT_EVERY_MS = 500;

/**
 * Runs (or resumes) one screening run: every stage not yet done, in order. Per-image stages
 * continue after their last committed batch; whole-set stages redo their (short) work.
 */
export async function runScreening(deps: RunDeps, runId: string): Promise<{ runId: string; status: "completed" }> {
  const { db, storage, log = () => {}, report = async () => {} } = deps;
  const run = await db.screeningRun.findUnique({ where: { id: runId }, include: { stages: { orderBy: { position: "asc" } } } });
  if (!run) throw new Error(`Screening run ${runId} does not exist (was the database reset?).`);
  if (run.status === "completed") return { runId, status: "completed" };
  const parsed = screeningOptions.safeParse(run.options);
  if (!parsed.success) throw new Error(`Screening run ${runId} has options this screener cannot read: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const options = parsed.data;

  await db.screeningRun.update({ where: { id: runId }, data: { status: "running", startedAt: run.startedAt ?? new Date(), error: null } });
  await selectNodeBackend({ log });
  const models = deps.models ?? nodeModelSources();
  const reference = deps.reference === undefined ? referenceDir() : deps.reference;
  const progress = run.stages.map((s) => ({ stage: s.stage, done: s.done, processed: s.processed, total: s.total }));
  let lastReport = 0;

  for (const [index, row] of run.stages.entries()) {
    if (row.done) continue;
    throwIfStopping(deps.signal);
    const name = row.stage as ScreeningStage;
    const ctx: StageContext = {
      db,
      storage,
      models,
      runId,
      options,
      log,
      ...(deps.signal ? { signal: deps.signal } : {}),
      async progress(done, total, message) {
        Object.assign(progress[index]!, { processed: done, total });
        const now = Date.now();
        if (now - lastReport < REPORT_EVERY_MS && done < total && done > 0) return;
        lastReport = now;
        await report({
          stage: name,
          stageNumber: index + 1,
          stageCount: run.stages.length,
          done,
          total,
          percent: runPercent(progress),
          ...(message ? { message: message.slice(0, 500) } : {}),
        });
      },
    };
    log(`stage ${index + 1}/${run.stages.length}: ${name}`);
    const stage = stageFor(name, reference);
    if (isBatchStage(stage)) await runBatches(ctx, stage);
    else await stage.run(ctx);
    const finished = await db.screeningStage.findUniqueOrThrow({ where: { runId_stage: { runId, stage: name } } });
    Object.assign(progress[index]!, { done: true, processed: finished.processed, total: finished.total });
    await report({
      stage: name,
      stageNumber: index + 1,
      stageCount: run.stages.length,
      done: finished.processed,
      total: finished.total,
      percent: runPercent(progress),
      message: `${name} done`,
    });
  }
  await db.screeningRun.update({ where: { id: runId }, data: { status: "completed", finishedAt: new Date(), error: null } });
  return { runId, status: "completed" };
}

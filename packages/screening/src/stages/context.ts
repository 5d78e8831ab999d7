import type { Db } from "@mien/db";
import type { ScreeningStage } from "@mien/jobs";
import type { ModelSources } from "@mien/model";
import type { Storage } from "@mien/storage";

import type { ScreeningOptions } from "../options.ts";

/** What every stage of a run gets. */
export interface StageContext {
  db: Db;
  storage: Storage;
  models: ModelSources;
  runId: string;
  options: ScreeningOptions;
  /** Reports the stage's progress (done of total) on to the job and the log. */
  progress(done: number, total: number, message?: string): Promise<void>;
  log(message: string): void;
  /** Set when the screener is shutting down: stages stop between batches (see ScreeningInterrupted). */
  signal?: AbortSignal;
}

/** Thrown between batches when the screener shuts down; the run resumes from its last batch. */
export class ScreeningInterrupted extends Error {
  override readonly name = "ScreeningInterrupted";
  constructor() {
    super("The screener is shutting down; the run resumes from its last finished batch.");
  }
}

export function throwIfStopping(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ScreeningInterrupted();
}

export type StageDetail = Record<string, unknown>;

/** A stage that works over the whole set at once (duplicates, mislabel, flags). It marks itself done in its own final transaction. */
export interface GlobalStage {
  readonly name: ScreeningStage;
  run(ctx: StageContext): Promise<void>;
}

export const stageKey = (runId: string, stage: ScreeningStage) => ({ runId_stage: { runId, stage } });

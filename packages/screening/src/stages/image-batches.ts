import { Prisma } from "@mien/db";
import type { ScreeningStage } from "@mien/jobs";

import { stageKey, throwIfStopping, type StageContext } from "./context.ts";

/** The columns per-image stages read. */
export interface ImageRow {
  id: string;
  sourcePath: string;
  storageKey: string;
  width: number;
  height: number;
  faceBox: number[];
}

export interface Done<R> {
  image: ImageRow;
  result: R;
}

/**
 * A stage that computes one signal per image, in keyset batches. Each batch's results are
 * written in the same transaction as the stage's cursor, so a killed run resumes after its
 * last committed batch and never writes a batch twice.
 */
export interface BatchStage<R> {
  readonly name: ScreeningStage;
  /** Images this stage still has to do unless the run is forced (e.g. `"ocrScore" IS NULL`). */
  readonly pending: Prisma.Sql;
  open(ctx: StageContext): Promise<void>;
  /** One result, or the Error that stopped it, per image (same order). */
  process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<R | Error>>;
  write(tx: Prisma.TransactionClient, done: readonly Done<R>[]): Promise<void>;
  close(): Promise<void>;
}

interface Failure {
  imageId: string;
  sourcePath: string;
  error: string;
}

/** Failures kept in the stage's detail for the report; the count covers all of them. */
const KEEP_FAILURES = 20;

export async function runBatches<R>(ctx: StageContext, stage: BatchStage<R>): Promise<void> {
  const { db, runId, options } = ctx;
  const row = await db.screeningStage.findUniqueOrThrow({ where: stageKey(runId, stage.name) });
  if (row.done) return;
  const where = options.force ? Prisma.sql`TRUE` : stage.pending;
  const after = (cursor: string | null) => (cursor ? Prisma.sql`id > ${cursor}::uuid` : Prisma.sql`TRUE`);

  let { cursor, processed, failed } = row;
  const [count] = await db.$queryRaw<{ remaining: number }[]>`
    SELECT count(*)::int AS remaining FROM image WHERE ${where} AND ${after(cursor)}`;
  const total = processed + (count?.remaining ?? 0);
  const failures = ((row.detail as { failures?: Failure[] } | null)?.failures ?? []).slice(0, KEEP_FAILURES);
  await db.screeningStage.update({ where: stageKey(runId, stage.name), data: { total, startedAt: row.startedAt ?? new Date() } });
  if (cursor) ctx.log(`${stage.name}: resuming after ${processed} of ${total} images`);
  await ctx.progress(processed, total);

  await stage.open(ctx);
  try {
    for (;;) {
      throwIfStopping(ctx.signal);
      const started = performance.now();
      const images = await db.$queryRaw<ImageRow[]>`
        SELECT id::text AS id, "sourcePath", "storageKey", width, height, "faceBox"
        FROM image WHERE ${where} AND ${after(cursor)} ORDER BY id LIMIT ${options.batchSize}`;
      if (images.length === 0) break;
      const results = await stage.process(images, ctx);
      const done: Done<R>[] = [];
      results.forEach((result, i) => {
        const image = images[i]!;
        if (result instanceof Error) {
          failed += 1;
          if (failures.length < KEEP_FAILURES) failures.push({ imageId: image.id, sourcePath: image.sourcePath, error: result.message.slice(0, 300) });
        } else done.push({ image, result });
      });
      cursor = images.at(-1)!.id;
      processed += images.length;
      const seconds = (performance.now() - started) / 1000;
      await db.$transaction(async (tx) => {
        if (done.length) await stage.write(tx, done);
        await tx.screeningStage.update({
          where: stageKey(runId, stage.name),
          data: { cursor, processed, failed, seconds: { increment: seconds }, detail: { failures } as unknown as Prisma.InputJsonValue },
        });
      });
      await ctx.progress(processed, Math.max(total, processed));
    }
  } finally {
    await stage.close();
  }
  await db.screeningStage.update({
    where: stageKey(runId, stage.name),
    data: { done: true, finishedAt: new Date(), total: Math.max(total, processed) },
  });
  ctx.log(`${stage.name}: ${processed} images${failed ? `, ${failed} could not be read (see the run's stage detail)` : ""}`);
}

/** Reads each image's original from storage, turning a failure into that image's Error. */
export async function readOriginals(ctx: StageContext, images: readonly ImageRow[]): Promise<Array<Buffer | Error>> {
  return Promise.all(
    images.map((image) =>
      ctx.storage.get(image.storageKey).catch((error: unknown) => new Error(`could not read ${image.storageKey}: ${(error as Error).message}`)),
    ),
  );
}

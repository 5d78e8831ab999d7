import fs from "node:fs";
import { realpath } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";

import { DEFAULT_MAX_PIXELS, ImageRejectedError, sha256Hex } from "../image/analyse.ts";
import { detectLayout } from "../layout/detect.ts";
import { classFolderSource } from "../sources/class-folders.ts";
import { labelsCsvSource } from "../sources/labels-csv.ts";
import { normalizeLabelMap, type LabelMap } from "../sources/labels.ts";
import type { ImportSource, SourceFile, SourceItem } from "../sources/source.ts";
import { isInside } from "../sources/walk.ts";
import type { ImportIssue, ImportOptions, ImportSummary } from "../types.ts";
import { AnalysePool } from "./analyse-pool.ts";
import { Batcher } from "./batcher.ts";
import { insertImages, type ImageRow } from "./insert-images.ts";
import { TaskPool } from "./pool.ts";
import { ProgressCounter } from "./progress.ts";
import { claimRun, finishRun, heartbeat } from "./run-record.ts";
import { assignMissingSplits } from "./splits.ts";
import { originalKey, thumbKey } from "./storage-keys.ts";
import { readSummary } from "./summary.ts";

// The callback API: no FileHandle per read, which shows up when reading tens of thousands of small files.
const readFile = promisify(fs.readFile);
const ROW_BATCH = 200;
// Files read and hashed ahead of the decoders, so one query checks many hashes at once.
const LOOKAHEAD = 64;
// Below this many files the analysis stays on the main thread: starting the worker threads (~0.5 s) would cost more.
const THREADS_FROM = 500;
// Sources being imported by this process; other processes are kept out by the run's owner record.
const activeSources = new Set<string>();

/** Lists the files and rows an import would look at, after checking every label (throws UnknownLabelsError). */
export async function prepareImport(root: string, map: LabelMap): Promise<ImportSource & { source: string; root: string }> {
  const layout = await detectLayout(root);
  const source = layout.csv ? await labelsCsvSource(layout.root, layout.csv, map) : await classFolderSource(layout.root, map);
  return Object.assign(source, { source: layout.source, root: layout.root });
}

interface ReadFile {
  file: SourceFile;
  bytes: Buffer;
  sha256: string;
}

/**
 * Imports a folder or labels CSV into the library; see ImportOptions and
 * ImportSummary. Safe to repeat (known content is skipped) and to interrupt
 * (the next call for the same root continues the same run).
 */
export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const map = normalizeLabelMap(opts.map);
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const concurrency = Math.max(1, opts.concurrency ?? 4 * availableParallelism());
  // Everything up to here only reads; nothing is written before the labels are known to be good.
  const source = await prepareImport(opts.root, map);
  if (activeSources.has(source.source)) {
    throw new Error(`${source.source} is already being imported by this process; wait for that import to finish.`);
  }
  activeSources.add(source.source);
  try {
    const threads = Math.max(0, opts.threads ?? (source.total >= THREADS_FROM ? availableParallelism() : 0));
    const analyser = AnalysePool.start(threads);
    try {
      return await importSource(opts, source, maxPixels, concurrency, analyser);
    } finally {
      await analyser.close();
    }
  } finally {
    activeSources.delete(source.source);
  }
}

async function importSource(
  opts: ImportOptions,
  source: Awaited<ReturnType<typeof prepareImport>>,
  maxPixels: number,
  concurrency: number,
  analyser: AnalysePool,
): Promise<ImportSummary> {
  const { db, storage } = opts;
  const runOptions = { map: opts.map ?? {}, maxPixels };
  const run = await claimRun(db, { source: source.source, layout: source.layout, options: runOptions, startedById: opts.startedById });
  const runId = run.id;
  const progress = new ProgressCounter(source.total, opts.onProgress);
  progress.emit(true);

  // Content hashes being imported right now: the first file with some content wins.
  const claimed = new Map<string, { path: string; label: string }>();
  const issues = new Batcher<ImportIssue>(ROW_BATCH, async (items) => {
    await db.importIssue.createMany({ data: items.map((i) => ({ ...i, importRunId: runId })), skipDuplicates: true });
  });
  // A file with the same bytes as one this run stores is kept as a copy: its path, label and split are recorded.
  const copies = new Batcher<ReadFile>(ROW_BATCH, async (items) => {
    await db.imageCopy.createMany({
      data: items.map(({ file, sha256 }) => ({
        sha256,
        importRunId: runId,
        sourcePath: file.rel,
        sourceLabel: file.rawLabel,
        label: file.label,
        split: file.split,
      })),
      skipDuplicates: true, // a resumed run records the same copies again
    });
  });
  // Contents whose first file was rejected, so copies claimed meanwhile can fail with the same reason.
  const rejected = new Map<string, ImportIssue>();
  const copy = async (r: ReadFile) => {
    progress.add("copies");
    await copies.add(r);
  };
  const rows = new Batcher<ImageRow>(ROW_BATCH, async (items) => {
    await issues.flush();
    await copies.flush();
    const count = await insertImages(db, items);
    // Another import stored the same content between our check and this insert.
    if (count < items.length) progress.moveImportedToSkipped(items.length - count);
    for (const r of items) claimed.delete(r.sha256);
    lastBeat = Date.now();
    await heartbeat(db, runId, runOptions, progress.snapshot());
  });

  // Imports that store nothing new (a re-run) still have to show they are alive.
  let lastBeat = Date.now();
  const beatIfQuiet = async () => {
    if (Date.now() - lastBeat < 10_000) return;
    lastBeat = Date.now();
    await heartbeat(db, runId, runOptions, progress.snapshot());
  };

  const fail = async (issue: ImportIssue, items = 1) => {
    progress.add("failed", items);
    await issues.add(issue);
  };

  /** Reads and hashes one file; null when it could not be read (already reported). */
  const read = async (file: SourceFile): Promise<ReadFile | null> => {
    let path = file.abs;
    try {
      if (file.mustResolve) {
        path = await realpath(file.abs);
        if (!isInside(path, source.root)) {
          await fail({ path: file.rel, reason: "outside-root", detail: `${file.origin ?? "it"} leads to ${path}, outside the import folder` });
          return null;
        }
      }
      const bytes = await readFile(path);
      return { file, bytes, sha256: sha256Hex(bytes) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        await fail({ path: file.rel, reason: "missing-file", detail: `${file.origin ?? "it"} names this file, but it does not exist` });
      } else {
        await fail({ path: file.rel, reason: "unreadable", detail: `cannot read: ${(err as Error).message}` });
      }
      return null;
    }
  };

  /** Decodes, stores and queues one new image. */
  const store = async ({ file, bytes, sha256 }: ReadFile): Promise<void> => {
    let analysis;
    try {
      analysis = await analyser.analyse(bytes, sha256, maxPixels);
    } catch (err) {
      claimed.delete(sha256);
      if (err instanceof ImageRejectedError) {
        const issue: ImportIssue = { path: file.rel, reason: err.reason, detail: err.detail };
        rejected.set(sha256, issue);
        return fail(issue);
      }
      throw err;
    }
    const storageKey = originalKey(sha256, analysis.ext);
    // A small original is its own thumbnail (analyseImage returns none): one file, one write.
    const thumb = analysis.thumbnail ? thumbKey(sha256) : storageKey;
    await Promise.all([storage.put(storageKey, bytes, analysis.mimeType), analysis.thumbnail && storage.put(thumb, analysis.thumbnail, "image/webp")]);
    progress.add("imported");
    await rows.add({
      sha256,
      storageKey,
      thumbKey: thumb,
      mimeType: analysis.mimeType,
      width: analysis.width,
      height: analysis.height,
      sourcePath: file.rel,
      sourceLabel: file.rawLabel,
      sourceClass: file.label,
      label: file.label,
      split: file.split,
      phash: analysis.phash,
      phashCrops: analysis.phashCrops,
      blurScore: analysis.blurScore,
      contrast: analysis.contrast,
      importRunId: runId,
    });
  };

  /** Reads a chunk, then sorts it with one query into: known content, duplicates, and new work. */
  const triage = async (chunk: SourceFile[]): Promise<ReadFile[]> => {
    const read_ = (await Promise.all(chunk.map(read))).filter((r): r is ReadFile => r !== null);
    if (read_.length === 0) return [];
    // Claims as they were before the query: one released meanwhile belongs to a row the query may have missed.
    const claimedBefore = read_.map((r) => claimed.get(r.sha256));
    const known = new Map(
      (
        await db.image.findMany({
          where: { sha256: { in: [...new Set(read_.map((r) => r.sha256))] } },
          select: { sha256: true, importRunId: true, sourcePath: true, label: true },
        })
      ).map((row) => [row.sha256, row]),
    );
    const todo: ReadFile[] = [];
    // In walk order, so the first file with some content is the one kept.
    for (const [i, r] of read_.entries()) {
      const row = known.get(r.sha256);
      const first = claimed.get(r.sha256) ?? claimedBefore[i];
      if (row && row.importRunId !== runId) progress.add("skipped");
      else if (row && row.sourcePath === r.file.rel)
        progress.add("imported"); // stored before this run was interrupted
      else if (row || first) await copy(r);
      else {
        claimed.set(r.sha256, { path: r.file.rel, label: r.file.label });
        todo.push(r);
      }
    }
    return todo;
  };

  /** Copies of content that ended up not stored (its first file was corrupt) become failures like it. */
  const failOrphanCopies = async () => {
    const orphans = await db.$queryRaw<{ sha256: string; sourcePath: string }[]>`
      DELETE FROM image_copy c
      WHERE c."importRunId" = ${runId}::uuid AND NOT EXISTS (SELECT 1 FROM image i WHERE i.sha256 = c.sha256)
      RETURNING c.sha256, c."sourcePath"`;
    for (const o of orphans) {
      progress.moveCopyToFailed();
      const first = rejected.get(o.sha256);
      await issues.add({
        path: o.sourcePath,
        reason: first?.reason ?? "corrupt-image",
        detail: `same bytes as ${first?.path ?? "another file"}, which could not be imported${first ? `: ${first.detail}` : ""}`,
      });
    }
    await issues.flush();
  };

  const pool = new TaskPool(concurrency);
  let upcoming: Promise<ReadFile[] | null> = Promise.resolve(null);
  try {
    const items = source.items()[Symbol.asyncIterator]();
    // Pull the next chunk of files, handling listing issues on the way.
    const nextChunk = async (): Promise<SourceFile[] | null> => {
      await beatIfQuiet();
      const chunk: SourceFile[] = [];
      while (chunk.length < LOOKAHEAD) {
        const { value, done } = await items.next();
        if (done) break;
        const item = value as SourceItem;
        if ("issue" in item) await fail(item.issue, item.items);
        else chunk.push(item.file);
      }
      return chunk.length ? chunk : null;
    };
    // Triage the next chunk while the decoders work through this one.
    const prefetch = () => {
      const p = nextChunk().then((c) => (c ? triage(c) : null));
      p.catch(() => undefined); // awaited below; this only stops an early failure counting as unhandled
      return p;
    };
    upcoming = prefetch();
    for (;;) {
      const todo = await upcoming;
      if (!todo) break;
      upcoming = prefetch();
      for (const r of todo) await pool.run(() => store(r));
    }
    await pool.drain();
    await rows.flush();
    await issues.flush();
    await copies.flush();
    await failOrphanCopies();
    // Only touches images without a split: those of split-less layouts (and any left by an older failed run).
    await assignMissingSplits(db);
    await finishRun(db, runId, "completed", progress.snapshot());
  } catch (err) {
    // Let work already started settle before reporting, so nothing writes after the run is marked failed.
    await Promise.allSettled([pool.drain(), upcoming]);
    await finishRun(db, runId, "failed", progress.snapshot()).catch(() => undefined);
    throw err;
  }
  progress.emit(true);
  const { seen, imported, skipped, failed } = progress;
  return {
    ...(await readSummary(db, runId)),
    layout: source.layout,
    seen,
    imported,
    copies: progress.copies,
    skipped,
    failed,
    resumed: run.resumed,
  };
}

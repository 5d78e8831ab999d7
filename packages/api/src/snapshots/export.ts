import { createHash } from "node:crypto";
import { extname } from "node:path";

import tar from "tar-stream";

import { readManifest, snapshotManifestKey, type SnapshotEntry } from "@mien/dataset/snapshot";
import type { Db } from "@mien/db";
import { AppError } from "@mien/errors";
import { isNotFound, type Storage } from "@mien/storage";

export const EXPORT_FORMATS = ["tar", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Thrown when a snapshot cannot be exported; the message says what is wrong and what to do. */
export class SnapshotExportError extends AppError {
  override name = "SnapshotExportError";

  /** NOT_FOUND: no such snapshot; PRECONDITION_FAILED: storage no longer holds what it lists. */
  constructor(message: string, code: "NOT_FOUND" | "PRECONDITION_FAILED" = "PRECONDITION_FAILED") {
    super(code, message);
  }
}

export interface SnapshotExport {
  fileName: string;
  contentType: string;
  /** The file's bytes, produced as they are read; stop iterating to cancel. */
  body: AsyncGenerator<Uint8Array>;
}

const LOOKUP_BATCH = 500;

interface Located extends SnapshotEntry {
  storageKey: string;
  file: string;
}

/** Where each manifest entry's original lives, and its path in the export, `<split>/<class>/<sha256>.<ext>`. */
async function* locate(db: Db, entries: readonly SnapshotEntry[]): AsyncGenerator<Located> {
  for (let i = 0; i < entries.length; i += LOOKUP_BATCH) {
    const batch = entries.slice(i, i + LOOKUP_BATCH);
    const rows = await db.image.findMany({ where: { sha256: { in: batch.map((e) => e.sha256) } }, select: { sha256: true, storageKey: true } });
    const keys = new Map(rows.map((r) => [r.sha256, r.storageKey]));
    for (const e of batch) {
      const storageKey = keys.get(e.sha256);
      if (!storageKey)
        throw new SnapshotExportError(`Image ${e.sha256} of this snapshot is no longer in the data set; re-import its source folder, then export again.`);
      yield { ...e, storageKey, file: `${e.split}/${e.label}/${e.sha256}${extname(storageKey) || ".jpg"}` };
    }
  }
}

async function loadManifest(db: Db, storage: Storage, id: string) {
  const snapshot = await db.datasetSnapshot.findUnique({ where: { id }, select: { contentHash: true, manifestKey: true, createdAt: true } });
  if (!snapshot) throw new SnapshotExportError("No such snapshot. Pick one from the snapshots page.", "NOT_FOUND");
  try {
    return { snapshot, manifest: await readManifest(storage, snapshot.manifestKey, snapshot.contentHash) };
  } catch (err) {
    if (isNotFound(err))
      throw new SnapshotExportError(
        `The manifest of snapshot ${id} (${snapshot.manifestKey}) is missing from storage; restore it from a backup of the storage.`,
      );
    throw err;
  }
}

/** A tar of `<split>/<class>/<sha256>.<ext>` plus the verified `manifest.tsv`; each image's bytes are checked against its sha256. */
async function* tarBody(db: Db, storage: Storage, id: string): AsyncGenerator<Uint8Array> {
  const { snapshot, manifest } = await loadManifest(db, storage, id);
  const pack = tar.pack();
  const add = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) =>
      pack.entry({ name, size: body.length, mtime: snapshot.createdAt, mode: 0o644 }, body, (err) => (err ? reject(err) : resolve())),
    );
  // The producer waits on the reader (tar-stream calls back once its buffer drains), so memory stays flat.
  const produce = (async () => {
    await add("manifest.tsv", await storage.get(snapshotManifestKey(snapshot.contentHash)));
    for await (const item of locate(db, manifest.entries)) {
      let bytes: Buffer;
      try {
        bytes = await storage.get(item.storageKey);
      } catch (err) {
        if (isNotFound(err))
          throw new SnapshotExportError(`Image ${item.sha256} is missing from storage (${item.storageKey}); re-run the import of its source to restore it.`);
        throw err;
      }
      if (createHash("sha256").update(bytes).digest("hex") !== item.sha256) {
        throw new SnapshotExportError(
          `Image ${item.sha256} in storage does not match its hash: the stored file was changed. Re-run the import of its source to restore it.`,
        );
      }
      await add(item.file, bytes);
    }
    pack.finalize();
  })().catch((err: unknown) => {
    pack.destroy(err as Error);
  });
  try {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) yield chunk;
    await produce;
  } finally {
    // The reader stopped early (a cancelled download): stop reading storage too.
    if (!pack.destroyed) pack.destroy();
  }
}

/** One CSV row per image: sha256, label, split and its path in the folder export. Every value is hex, a class or a split, so none needs quoting. */
async function* csvBody(db: Db, storage: Storage, id: string): AsyncGenerator<Uint8Array> {
  const { manifest } = await loadManifest(db, storage, id);
  const encoder = new TextEncoder();
  yield encoder.encode("sha256,label,split,file\n");
  let lines: string[] = [];
  for await (const item of locate(db, manifest.entries)) {
    lines.push(`${item.sha256},${item.label},${item.split},${item.file}\n`);
    if (lines.length === LOOKUP_BATCH) {
      yield encoder.encode(lines.join(""));
      lines = [];
    }
  }
  if (lines.length) yield encoder.encode(lines.join(""));
}

/** A snapshot's export as a stream: class folders in a tar, or a CSV. Fails before the first byte if the snapshot does not exist. */
export async function exportSnapshot(db: Db, storage: Storage, id: string, format: ExportFormat): Promise<SnapshotExport> {
  const snapshot = await db.datasetSnapshot.findUnique({ where: { id }, select: { contentHash: true } });
  if (!snapshot) throw new SnapshotExportError("No such snapshot. Pick one from the snapshots page.", "NOT_FOUND");
  const base = `mien-snapshot-${snapshot.contentHash.slice(0, 12)}`;
  return format === "tar"
    ? { fileName: `${base}.tar`, contentType: "application/x-tar", body: tarBody(db, storage, id) }
    : { fileName: `${base}.csv`, contentType: "text/csv; charset=utf-8", body: csvBody(db, storage, id) };
}

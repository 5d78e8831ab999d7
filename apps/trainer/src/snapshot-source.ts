import { readManifest } from "@mien/dataset";
import type { Db } from "@mien/db";
import type { TrainingImage } from "@mien/model";
import { TrainingInputError } from "@mien/model/node";
import type { Storage } from "@mien/storage";

export interface SnapshotSource {
  snapshot: { id: string; contentHash: string; name: string; imageCount: number };
  images: TrainingImage[];
  readImage(sha256: string): Promise<Uint8Array>;
}

/**
 * A pinned dataset snapshot as training input: its manifest (hash-verified on read) and a reader
 * that fetches each image from storage by content hash. The snapshot never changes, so neither
 * does what a job trains on, whatever curators do meanwhile.
 */
export async function loadSnapshotSource(db: Db, storage: Storage, snapshotId: string): Promise<SnapshotSource> {
  const row = await db.datasetSnapshot.findUnique({
    where: { id: snapshotId },
    select: { id: true, contentHash: true, name: true, imageCount: true, manifestKey: true },
  });
  if (!row) throw new TrainingInputError(`Dataset snapshot ${snapshotId} does not exist (deleted?). Start the job again on an existing snapshot.`);
  const manifest = await readManifest(storage, row.manifestKey, row.contentHash).catch((error: Error) => {
    throw new TrainingInputError(`Snapshot "${row.name}" cannot be read: ${error.message}`);
  });
  const keys = new Map<string, string>();
  const shas = manifest.entries.map((e) => e.sha256);
  for (let i = 0; i < shas.length; i += 5_000) {
    const rows = await db.image.findMany({ where: { sha256: { in: shas.slice(i, i + 5_000) } }, select: { sha256: true, storageKey: true } });
    for (const r of rows) keys.set(r.sha256, r.storageKey);
  }
  const missing = shas.filter((s) => !keys.has(s));
  if (missing.length) {
    throw new TrainingInputError(
      `Snapshot "${row.name}" names ${missing.length} image(s) no longer in the image table (first: ${missing[0]}); re-import them or make a new snapshot.`,
    );
  }
  return {
    snapshot: { id: row.id, contentHash: row.contentHash, name: row.name, imageCount: row.imageCount },
    images: manifest.entries.map((e) => ({ sha256: e.sha256, label: e.label, split: e.split })),
    readImage: async (sha) => new Uint8Array(await storage.get(keys.get(sha)!)),
  };
}

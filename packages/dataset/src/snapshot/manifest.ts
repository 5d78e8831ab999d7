import { createHash } from "node:crypto";

import type { Storage } from "@mien/storage";
import { isExpressionClass, type ExpressionClass } from "@mien/vocabulary/classes";

/**
 * A dataset snapshot's manifest: one line per image, "sha256\tlabel\tsplit\n", sorted by sha256.
 * The snapshot's content hash is the sha256 of exactly these bytes, so the same curated set
 * always hashes the same, and any edit to a stored manifest is detected on read.
 */
export type SnapshotSplit = "train" | "val" | "test";

export interface SnapshotEntry {
  sha256: string;
  label: ExpressionClass;
  split: SnapshotSplit;
}

export interface SnapshotManifest {
  contentHash: string;
  entries: SnapshotEntry[];
}

const SHA256 = /^[0-9a-f]{64}$/;
const SPLITS: readonly string[] = ["train", "val", "test"];

export class SnapshotManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SnapshotManifestError";
  }
}

/** Storage key of a snapshot manifest; content-addressed, so it is written once and never changes. */
export function snapshotManifestKey(contentHash: string): string {
  return `snapshots/${contentHash}.tsv`;
}

/** The canonical manifest text and its hash. Throws on duplicate images or malformed entries. */
export function buildManifest(entries: Iterable<SnapshotEntry>): { text: string; contentHash: string; entries: SnapshotEntry[] } {
  const sorted = [...entries].sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  for (const [i, e] of sorted.entries()) {
    assertEntry(e, `entry ${i + 1}`);
    if (i > 0 && sorted[i - 1]!.sha256 === e.sha256) throw new SnapshotManifestError(`Image ${e.sha256} appears twice in the snapshot.`);
  }
  const text = sorted.map((e) => `${e.sha256}\t${e.label}\t${e.split}\n`).join("");
  return { text, contentHash: sha256(text), entries: sorted };
}

/** Parses manifest text, checking every line and, when given, that it hashes to `expectedHash`. */
export function parseManifest(text: string, expectedHash?: string): SnapshotManifest {
  const contentHash = sha256(text);
  if (expectedHash && contentHash !== expectedHash) {
    throw new SnapshotManifestError(`Snapshot manifest hashes to ${contentHash}, not ${expectedHash}: it was changed or truncated after it was frozen.`);
  }
  if (text !== "" && !text.endsWith("\n")) throw new SnapshotManifestError("Snapshot manifest does not end with a newline: it is truncated.");
  const entries: SnapshotEntry[] = [];
  const lines = text === "" ? [] : text.slice(0, -1).split("\n");
  for (const [i, line] of lines.entries()) {
    const [hash, label, split, extra] = line.split("\t");
    if (extra !== undefined || !hash || !label || !split)
      throw new SnapshotManifestError(`Snapshot manifest line ${i + 1} does not have three tab-separated columns.`);
    const entry = { sha256: hash, label, split } as SnapshotEntry;
    assertEntry(entry, `line ${i + 1}`);
    if (i > 0 && entries[i - 1]!.sha256 >= hash) throw new SnapshotManifestError(`Snapshot manifest line ${i + 1} is out of order or repeats an image.`);
    entries.push(entry);
  }
  return { contentHash, entries };
}

/** Writes the manifest under its content-addressed key (idempotent) and returns the key and hash. */
export async function writeManifest(
  storage: Storage,
  entries: Iterable<SnapshotEntry>,
): Promise<{ key: string; contentHash: string; entries: SnapshotEntry[] }> {
  const built = buildManifest(entries);
  const key = snapshotManifestKey(built.contentHash);
  if (!(await storage.exists(key))) await storage.put(key, Buffer.from(built.text, "utf8"), "text/tab-separated-values");
  return { key, contentHash: built.contentHash, entries: built.entries };
}

/** Reads and verifies a stored manifest. */
export async function readManifest(storage: Storage, key: string, expectedHash: string): Promise<SnapshotManifest> {
  const body = await storage.get(key);
  return parseManifest(body.toString("utf8"), expectedHash);
}

/** Image counts per split and class, as stored on the snapshot row and drawn on the snapshot page. */
export function classCounts(entries: readonly SnapshotEntry[]): Record<SnapshotSplit, Partial<Record<ExpressionClass, number>>> {
  const counts: Record<SnapshotSplit, Partial<Record<ExpressionClass, number>>> = { train: {}, val: {}, test: {} };
  for (const e of entries) counts[e.split][e.label] = (counts[e.split][e.label] ?? 0) + 1;
  return counts;
}

function assertEntry(e: SnapshotEntry, where: string): void {
  if (!SHA256.test(e.sha256)) throw new SnapshotManifestError(`Snapshot manifest ${where}: "${e.sha256}" is not a lower-case sha256.`);
  if (!isExpressionClass(e.label)) throw new SnapshotManifestError(`Snapshot manifest ${where}: "${e.label}" is not a canonical class.`);
  if (!SPLITS.includes(e.split)) throw new SnapshotManifestError(`Snapshot manifest ${where}: split "${e.split}" is not train, val or test.`);
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

import { createHash, randomBytes } from "node:crypto";

import type { Db, Prisma } from "@mien/db";
import { parseArtifactManifest, type ArtifactManifest } from "@mien/model/manifest";
import type { Storage } from "@mien/storage";

import { stagingPrefix, versionFileKey } from "./keys.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export interface PublishInput {
  /** Every file of the version by name, manifest.json included. */
  files: ReadonlyMap<string, Uint8Array>;
  /** The job that trained it; a job publishes at most one version, however often it is retried. */
  trainingJobId?: string | null;
  /** Runs inside the publishing transaction (e.g. marking the job completed). */
  onPublished?: (tx: Prisma.TransactionClient, version: { id: string; number: number }) => Promise<void>;
  /** Test hook: runs after the files are in place and before the row is written. */
  beforeCommit?: () => Promise<void>;
}

export interface PublishedVersion {
  id: string;
  number: number;
  contentHash: string;
  /** False when this job (or these exact bytes) had already been published. */
  created: boolean;
}

export class PublishError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PublishError";
  }
}

/** True when `err` (or an error it wraps) is the filesystem saying it has no room left. */
function isStorageFull(err: unknown): boolean {
  for (let e = err; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOSPC" || code === "EDQUOT") return true;
  }
  return false;
}

/** Checks the files against the manifest: every listed file present with its hash and size, nothing else. */
export function verifyVersionFiles(files: ReadonlyMap<string, Uint8Array>): { manifest: ArtifactManifest; contentHash: string } {
  const manifestBytes = files.get("manifest.json");
  if (!manifestBytes) throw new PublishError("The version has no manifest.json.");
  const manifest = parseArtifactManifest(JSON.parse(new TextDecoder().decode(manifestBytes)));
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const bytes = files.get(f.path);
    if (!bytes) throw new PublishError(`The manifest lists ${f.path}, which the version does not have.`);
    if (bytes.byteLength !== f.bytes || sha256(bytes) !== f.sha256) throw new PublishError(`${f.path} does not match its sha256 and size in the manifest.`);
  }
  const extra = [...files.keys()].filter((name) => name !== "manifest.json" && !listed.has(name));
  if (extra.length) throw new PublishError(`The version has files its manifest does not list: ${extra.join(", ")}.`);
  return { manifest, contentHash: sha256(manifestBytes) };
}

async function putVerified(storage: Storage, key: string, bytes: Uint8Array): Promise<void> {
  try {
    await storage.put(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    if (!isStorageFull(err)) throw err;
    throw new PublishError(`Storage is full (ENOSPC) while writing ${key}: nothing was published. Free space in storage, then publish again.`, { cause: err });
  }
  const back = await storage.get(key);
  if (back.byteLength !== bytes.byteLength || sha256(back) !== sha256(bytes))
    throw new PublishError(`Storage returned other bytes for ${key} than were written.`);
}

/**
 * Publishes a version atomically. The files go to a staging prefix and are read back and
 * verified, then copied to the content-addressed prefix `models/<manifest sha256>/` and verified
 * again; only then does one transaction create the ModelVersion row (with the next number). Until
 * that commit nothing is visible: the registry serves only versions that have a row. A crash
 * leaves at most unreferenced files, and publishing the same content again reuses them.
 */
export async function publishVersion(db: Db, storage: Storage, input: PublishInput): Promise<PublishedVersion> {
  const { manifest, contentHash } = verifyVersionFiles(input.files);
  if (input.trainingJobId) {
    const existing = await db.modelVersion.findUnique({ where: { trainingJobId: input.trainingJobId }, select: { id: true, number: true, contentHash: true } });
    if (existing) return { ...existing, created: false };
  }
  const staging = stagingPrefix(contentHash, randomBytes(6).toString("hex"));
  // Files of the content-addressed prefix that this publish wrote, removed again if it fails.
  const written: string[] = [];
  try {
    for (const [name, bytes] of input.files) await putVerified(storage, `${staging}${name}`, bytes);
    for (const [name, bytes] of input.files) {
      const key = versionFileKey(contentHash, name);
      // Content-addressed: an existing file with the right bytes is the same file.
      const present = await storage
        .get(key)
        .then((b) => sha256(b) === sha256(bytes))
        .catch(() => false);
      if (!present) {
        written.push(key);
        await putVerified(storage, key, await storage.get(`${staging}${name}`));
      }
    }
    await input.beforeCommit?.();
    return await db.$transaction(async (tx) => {
      // One publisher at a time, so version numbers are gapless and a job never publishes twice.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('mien.model_version.publish'))`;
      if (input.trainingJobId) {
        const again = await tx.modelVersion.findUnique({
          where: { trainingJobId: input.trainingJobId },
          select: { id: true, number: true, contentHash: true },
        });
        if (again) return { ...again, created: false };
      }
      const same = await tx.modelVersion.findUnique({ where: { contentHash }, select: { id: true, number: true, contentHash: true, trainingJobId: true } });
      if (same) {
        if (input.trainingJobId && same.trainingJobId && same.trainingJobId !== input.trainingJobId) {
          throw new PublishError(`Version ${same.number} already has these exact files (another job made them).`);
        }
        return { id: same.id, number: same.number, contentHash, created: false };
      }
      // A failed publish of the same content may have removed files this one found present (see removeUnpublished).
      for (const name of input.files.keys()) {
        if (!(await storage.exists(versionFileKey(contentHash, name))))
          throw new PublishError(`${name} disappeared from storage while publishing; publish again.`);
      }
      const last = await tx.modelVersion.aggregate({ _max: { number: true } });
      const version = await tx.modelVersion.create({
        data: {
          number: (last._max.number ?? 0) + 1,
          contentHash,
          artifactKey: versionFileKey(contentHash, "manifest.json").replace(/manifest\.json$/, ""),
          manifest: manifest as unknown as Prisma.InputJsonValue,
          metrics: manifest.metrics as unknown as Prisma.InputJsonValue,
          trainingJobId: input.trainingJobId ?? null,
        },
        select: { id: true, number: true },
      });
      await input.onPublished?.(tx, version);
      return { ...version, contentHash, created: true };
    });
  } catch (err) {
    await removeUnpublished(db, storage, contentHash, written);
    throw err;
  } finally {
    for (const name of input.files.keys()) await storage.delete(`${staging}${name}`).catch(() => undefined);
  }
}

/**
 * Removes the content-addressed files a failed publish wrote, so no half version is left in
 * storage, unless a version with this content exists by now. Under the publish lock, so it never
 * races a publisher of the same bytes that is about to commit (that one re-checks its files).
 */
async function removeUnpublished(db: Db, storage: Storage, contentHash: string, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('mien.model_version.publish'))`;
      if (await tx.modelVersion.findUnique({ where: { contentHash }, select: { id: true } })) return;
      for (const key of keys) await storage.delete(key);
    });
  } catch (cleanup) {
    // The publish error matters more; the files left are unreferenced, never served, and reused by the next publish.
    console.error(`model ${contentHash}: could not remove the files of a failed publish: ${(cleanup as Error).message}`);
  }
}

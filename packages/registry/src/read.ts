import type { Db } from "@mien/db";
import type { ArtifactManifest } from "@mien/model/manifest";
import { isNotFound, type Storage } from "@mien/storage";

import { ACTIVE_ALIAS, FILE_RE, SHA256_RE, versionFileKey } from "./keys.ts";

export interface ActiveModel {
  version: number;
  contentHash: string;
  name: string;
  baseUrl: string;
  /** The expressions it reads (a plan can name one it cannot, such as contempt). */
  classes: string[];
}

/** What `active` points at, as the coach page needs it; null when nothing is active. */
export async function activeModel(db: Db, alias = ACTIVE_ALIAS): Promise<ActiveModel | null> {
  const row = await db.modelAlias.findUnique({ where: { name: alias }, select: { version: { select: { number: true, contentHash: true, manifest: true } } } });
  if (!row) return null;
  const manifest = row.version.manifest as unknown as ArtifactManifest;
  return {
    version: row.version.number,
    contentHash: row.version.contentHash,
    name: manifest.name,
    baseUrl: `/api/models/${row.version.contentHash}/`,
    classes: [...manifest.classes],
  };
}

export type VersionFile = { status: "ok"; body: Buffer; contentType: string } | { status: "not-found"; reason: string };

const CONTENT_TYPES: Record<string, string> = {
  json: "application/json",
  md: "text/markdown; charset=utf-8",
  bin: "application/octet-stream",
};

/**
 * One file of a published version. Only versions with a registry row are served (a half-published
 * version has none), and only files its manifest lists (or manifest.json itself): names are plain
 * file names, so no path trick reaches anything else in storage.
 */
export async function readVersionFile(db: Db, storage: Storage, contentHash: string, file: string): Promise<VersionFile> {
  if (!SHA256_RE.test(contentHash)) return { status: "not-found", reason: "No such model version." };
  if (!FILE_RE.test(file) || file.startsWith(".")) return { status: "not-found", reason: "No such file in this model version." };
  const version = await db.modelVersion.findUnique({ where: { contentHash }, select: { manifest: true } });
  if (!version) return { status: "not-found", reason: "No such model version." };
  const manifest = version.manifest as unknown as ArtifactManifest;
  if (file !== "manifest.json" && !manifest.files.some((f) => f.path === file)) return { status: "not-found", reason: "No such file in this model version." };
  try {
    const body = await storage.get(versionFileKey(contentHash, file));
    return { status: "ok", body, contentType: CONTENT_TYPES[file.split(".").pop() ?? ""] ?? "application/octet-stream" };
  } catch (error) {
    if (isNotFound(error)) {
      console.error(`model ${contentHash}: ${file} is missing from storage`);
      return { status: "not-found", reason: "This model file is missing from storage." };
    }
    throw error;
  }
}

export interface VersionRow {
  id: string;
  number: number;
  contentHash: string;
  manifest: ArtifactManifest;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A registered version named the ways admins name one: its number ("3" or "v3"), id or content hash; null when none matches. */
export async function findVersion(db: Db, ref: string): Promise<VersionRow | null> {
  const r = ref.trim();
  const number = /^v?(\d{1,9})$/i.exec(r);
  const where = number ? { number: Number(number[1]) } : SHA256_RE.test(r) ? { contentHash: r } : UUID_RE.test(r) ? { id: r.toLowerCase() } : null;
  if (!where) return null;
  const row = await db.modelVersion.findFirst({ where, select: { id: true, number: true, contentHash: true, manifest: true } });
  return row && { ...row, manifest: row.manifest as unknown as ArtifactManifest };
}

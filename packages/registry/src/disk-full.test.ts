import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage, type Storage } from "@mien/storage";

import { promoteVersion } from "./aliases.ts";
import { PublishError, publishVersion, verifyVersionFiles } from "./publish.ts";
import { readVersionFile } from "./read.ts";

const run = promisify(execFile);

/** A committed model: manifest, model.json, card.md and a 270 kB weights shard. */
const DEFAULT_DIR = join(import.meta.dirname, "..", "..", "..", "models", "default");
const files = new Map(readdirSync(DEFAULT_DIR).map((name) => [name, new Uint8Array(readFileSync(join(DEFAULT_DIR, name)))]));
const { contentHash } = verifyVersionFiles(files);

/**
 * Storage whose disk fills up: a real tmpfs of `size` (mount needs root), or where mounting is not
 * permitted, a LocalStorage that fails writes past a byte budget with the same ENOSPC error.
 */
interface SmallDisk {
  storage: Storage;
  resize(size: string): Promise<void>;
  /** Every file on the disk, temp files included. */
  files(): string[];
  close(): Promise<void>;
}

async function tmpfsDisk(dir: string, size: string): Promise<SmallDisk> {
  await run("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
  return {
    storage: new LocalStorage(dir),
    resize: async (next) => void (await run("mount", ["-o", `remount,size=${next}`, dir])),
    files: () => walk(dir),
    close: async () => void (await run("umount", [dir])),
  };
}

function budgetDisk(dir: string, size: string): SmallDisk {
  const bytes = (s: string) => Number.parseInt(s, 10) * (s.endsWith("m") ? 1 << 20 : 1024);
  let budget = bytes(size);
  const local = new LocalStorage(dir);
  const used = () => walk(dir).reduce((sum, f) => sum + readFileSync(join(dir, f)).byteLength, 0);
  const storage: Storage = {
    driver: "local",
    get: (key) => local.get(key),
    exists: (key) => local.exists(key),
    delete: (key) => local.delete(key),
    list: (prefix) => local.list(prefix),
    async put(key, body) {
      if (used() + body.byteLength > budget) {
        const cause = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        throw new Error(`Could not write ${key} under ${dir}: ${cause.message}`, { cause });
      }
      await local.put(key, body);
    },
  };
  return { storage, resize: async (next) => void (budget = bytes(next)), files: () => walk(dir), close: async () => undefined };
}

function walk(root: string, sub = ""): string[] {
  return readdirSync(join(root, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(root, join(sub, e.name)) : [join(sub, e.name)]));
}

describe("the disk fills up while a version is published (real PostgreSQL, real tmpfs)", () => {
  let t: TestDatabase;
  let disk: SmallDisk;
  let activeId = "";
  const root = mkdtempSync(join(tmpdir(), "mien-registry-disk-full-"));

  const keys = async (prefix: string) => {
    const out: string[] = [];
    for await (const key of disk.storage.list(prefix)) out.push(key);
    return out.sort();
  };
  const activeVersionId = async () => (await t.db.modelAlias.findUnique({ where: { name: "active" }, select: { versionId: true } }))?.versionId;

  /** The failed publish left nothing: no row, no file (not in staging, not half a version folder), alias untouched. */
  async function expectNothingPublished(): Promise<void> {
    expect(await t.db.modelVersion.count({ where: { contentHash } })).toBe(0);
    expect(await t.db.modelVersion.count()).toBe(1);
    expect(await keys("models/")).toEqual([]);
    // Not even a temp file a reader could stumble on: the disk holds no file at all.
    expect(disk.files()).toEqual([]);
    expect(await readVersionFile(t.db, disk.storage, contentHash, "manifest.json")).toEqual({ status: "not-found", reason: "No such model version." });
    expect(await activeVersionId()).toBe(activeId);
  }

  beforeAll(async () => {
    t = await createTestDatabase("mien_registry_disk_full");
    try {
      disk = await tmpfsDisk(root, "256k");
    } catch (err) {
      console.warn(`disk-full test: cannot mount a tmpfs (${(err as Error).message.trim()}); faking ENOSPC with a byte budget instead.`);
      disk = budgetDisk(root, "256k");
    }
    // Something is active already, and must stay so (registry rows only: the alias never reads files).
    const old = await t.db.modelVersion.create({
      data: { number: 1, contentHash: "0".repeat(64), artifactKey: `models/${"0".repeat(64)}/`, manifest: {}, metrics: {} },
    });
    await promoteVersion(t.db, { versionId: old.id, actorId: null, action: "bootstrap" });
    activeId = old.id;
  });
  afterAll(async () => {
    await disk?.close().catch((err: unknown) => console.error(`disk-full test: could not unmount ${root}: ${(err as Error).message}`));
    await t?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses when even staging does not fit, saying storage is full, and leaves nothing behind", async () => {
    const err = await publishVersion(t.db, disk.storage, { files }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toMatch(/^Storage is full \(ENOSPC\) while writing models\/\.staging\/.+\/weights\.bin: nothing was published\./);
    await expectNothingPublished();
  });

  it("refuses when staging fits but the version folder does not, and removes the half-copied folder", async () => {
    // ~290 kB of staging fits; the copy's small files do, its 270 kB weights shard does not.
    await disk.resize("448k");
    const err = await publishVersion(t.db, disk.storage, { files }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toContain(`Storage is full (ENOSPC) while writing models/${contentHash}/weights.bin`);
    await expectNothingPublished();
  });

  it("publishes the same version once space is freed", async () => {
    await disk.resize("4m");
    const version = await publishVersion(t.db, disk.storage, { files });
    expect(version).toMatchObject({ number: 2, contentHash, created: true });
    expect(await keys("models/")).toEqual([...files.keys()].map((name) => `models/${contentHash}/${name}`).sort());
    const weights = await readVersionFile(t.db, disk.storage, contentHash, "weights.bin");
    expect(weights.status === "ok" && weights.body.equals(Buffer.from(files.get("weights.bin")!))).toBe(true);
    // Publishing never moves the alias; promoting is a separate, audited step.
    expect(await activeVersionId()).toBe(activeId);
  });
});

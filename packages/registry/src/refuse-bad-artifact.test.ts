import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { PublishError } from "./publish.ts";
import { registerVersionDir } from "./register-dir.ts";

/** A committed model: a real manifest whose weights shard is weights.bin. */
const DEFAULT_DIR = join(import.meta.dirname, "..", "..", "..", "models", "default");

describe("registering a damaged version folder (real PostgreSQL)", () => {
  let t: TestDatabase;
  const tmp = mkdtempSync(join(tmpdir(), "mien-registry-refuse-"));
  const storage = new LocalStorage(join(tmp, "storage"));

  /** A copy of the default model folder, changed by `damage`. */
  function versionDir(name: string, damage: (dir: string) => void): string {
    const dir = join(tmp, name);
    cpSync(DEFAULT_DIR, dir, { recursive: true });
    damage(dir);
    return dir;
  }

  const keys = async (prefix: string) => {
    const out: string[] = [];
    for await (const key of storage.list(prefix)) out.push(key);
    return out.sort();
  };

  /** Nothing registered, nothing active, and no file left in storage (not even in staging). */
  async function expectNothingRegistered(): Promise<void> {
    expect(await t.db.modelVersion.count()).toBe(0);
    expect(await t.db.modelAlias.count()).toBe(0);
    expect(await t.db.modelAliasChange.count()).toBe(0);
    expect(await keys("models/")).toEqual([]);
  }

  beforeAll(async () => {
    t = await createTestDatabase("mien_registry_refuse");
  });
  afterAll(async () => {
    await t?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("refuses a weights shard whose bytes do not match the manifest's sha256, naming the file", async () => {
    const dir = versionDir("wrong-sha", (d) => {
      const weights = readFileSync(join(d, "weights.bin"));
      weights[100] = weights[100]! ^ 0xff; // same size, different content
      writeFileSync(join(d, "weights.bin"), weights);
    });
    const err = await registerVersionDir(t.db, storage, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toBe("weights.bin does not match its sha256 and size in the manifest.");
    await expectNothingRegistered();
  });

  it("refuses a folder with the weights shard missing, naming the file", async () => {
    const dir = versionDir("missing-shard", (d) => unlinkSync(join(d, "weights.bin")));
    const err = await registerVersionDir(t.db, storage, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as Error).message).toBe("The manifest lists weights.bin, which the version does not have.");
    await expectNothingRegistered();
  });

  it("registers and activates the undamaged folder (so the refusals above are about the damage)", async () => {
    const dir = versionDir("intact", () => {});
    const version = await registerVersionDir(t.db, storage, dir);
    expect(version).toMatchObject({ number: 1, created: true, activated: true });
    expect(await t.db.modelVersion.count()).toBe(1);
    expect(await keys(`models/${version.contentHash}/`)).toEqual(
      ["card.md", "manifest.json", "model.json", "weights.bin"].map((f) => `models/${version.contentHash}/${f}`),
    );
  });
});

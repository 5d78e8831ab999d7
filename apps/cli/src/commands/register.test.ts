import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { evaluationQueue } from "@mien/jobs";
import { versionFileKey } from "@mien/registry";
import { LocalStorage } from "@mien/storage";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..", "..");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-cli-register-${process.pid}`;

let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-cli-register-"));
const dataDir = join(tmp, "data");
const savedEnv = { ...process.env };

/** `pnpm mien <verb> …` in this process, against the test database; the exit code and what it printed. */
async function mien(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void (stdout += `${a.join(" ")}\n`));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (stderr += `${a.join(" ")}\n`));
  try {
    const [verb, ...rest] = args;
    const command = verb === "bootstrap" ? await import("./bootstrap.ts") : await import("./register.ts");
    return { code: await command.run(rest), stdout, stderr };
  } catch (err) {
    // What main.ts does with an error a command throws.
    return { code: 1, stdout, stderr: `${stderr}${(err as Error).message}\n` };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

beforeAll(async () => {
  t = await createTestDatabase("mien_test_cli_register");
  Object.assign(process.env, { DATABASE_URL: t.url, MIEN_DATA_DIR: dataDir, MIEN_STORAGE: "local", REDIS_URL: redisUrl, MIEN_QUEUE_PREFIX: prefix });
  // A fresh machine: the demo sample, the first admin and models/default as version 1, active.
  const boot = await mien(["bootstrap"]);
  if (boot.code !== 0) throw new Error(`bootstrap failed:\n${boot.stderr}`);
}, 180_000);

afterAll(async () => {
  const queue = evaluationQueue({ redisUrl, prefix });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  process.env = savedEnv;
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("pnpm mien register", () => {
  it("publishes models/fer7-ensemble next to the active default, verified and content-addressed, and queues its scoring on pinned sets", async () => {
    // A pinned set (its images do not matter here: scoring is the evaluation worker's test).
    const admin = await t.db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true } });
    const image = await t.db.image.findFirstOrThrow({ select: { sha256: true, label: true } });
    const set = await t.db.evalSet.create({
      data: { name: "one image", contentHash: "0".repeat(64), source: "import", imageCount: 1, classCounts: { [image.label]: 1 }, createdById: admin.id },
    });
    await t.db.evalSetItem.create({ data: { setId: set.id, position: 0, sha256: image.sha256, label: image.label } });

    const dir = join(REPO_ROOT, "models", "fer7-ensemble");
    const first = await mien(["register", dir, "--json"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { id: string; number: number; contentHash: string; created: boolean; activated: boolean; queued: number };
    // Version 1 (models/default) stays active; both versions wait to be scored on the set.
    expect(out).toMatchObject({ number: 2, created: true, activated: false, queued: 2 });
    const active = await t.db.modelAlias.findUniqueOrThrow({ where: { name: "active" }, include: { version: { select: { number: true } } } });
    expect(active.version.number).toBe(1);

    // The registry serves the folder's bytes under the manifest's hash.
    const storage = new LocalStorage(join(dataDir, "storage"));
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Array<{ path: string }> };
    for (const f of manifest.files) expect(Buffer.compare(await storage.get(versionFileKey(out.contentHash, f.path)), readFileSync(join(dir, f.path)))).toBe(0);

    // Its score row is on the evaluation queue, under the row's id.
    const score = await t.db.evalScore.findUniqueOrThrow({ where: { versionId_setId: { versionId: out.id, setId: set.id } } });
    expect(score.status).toBe("queued");
    const queue = evaluationQueue({ redisUrl, prefix });
    try {
      expect((await queue.getJob(score.id))?.data).toEqual({ v: 1, scoreId: score.id });
    } finally {
      await queue.close();
    }

    // The same bytes again: the version already published.
    const again = await mien(["register", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Already registered: .*fer7-ensemble as version 2 \\(${out.contentHash.slice(0, 12)}\\)\\.`));
    expect(await t.db.modelVersion.count()).toBe(2);
  }, 120_000);

  it("says what to give when the folder is not a version, and does not hang when Redis is down", async () => {
    const notAVersion = await mien(["register", join(REPO_ROOT, "data", "demo")]);
    expect(notAVersion.code).toBe(2);
    expect(notAVersion.stderr).toContain("has no manifest.json: give a version folder such as models/fer7-ensemble");

    // models/default is already version 1: registering it again needs no queue, but Redis is asked first.
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    try {
      const started = Date.now();
      const down = await mien(["register", join(REPO_ROOT, "models", "default")]);
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(/^Already registered: .*models\/default as version 1 /);
      expect(down.stderr).toMatch(/^Its scoring on pinned sets is not queued: Redis does not answer \(.+\)\. The trainer queues it when it next starts\./);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      process.env.REDIS_URL = redisUrl;
    }
  }, 60_000);
});

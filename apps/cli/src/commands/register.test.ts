import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { evaluationQueue } from "@mien/jobs";
import { versionFileKey } from "@mien/registry";
import { LocalStorage } from "@mien/storage";

import { cliSandbox, inProcessMien, REPO_ROOT, type CliSandbox } from "../testing/index.ts";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `mien-test-cli-register-${process.pid}`;
const mien = inProcessMien({ bootstrap: () => import("./bootstrap.ts"), register: () => import("./register.ts") });

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await cliSandbox("register", { REDIS_URL: redisUrl, MIEN_QUEUE_PREFIX: prefix });
  // A fresh machine: the demo sample, the first admin and models/default as version 1, active.
  const boot = await mien(["bootstrap"]);
  if (boot.code !== 0) throw new Error(`bootstrap failed:\n${boot.stderr}`);
}, 180_000);

afterAll(async () => {
  const queue = evaluationQueue({ redisUrl, prefix });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await sandbox?.close();
});

describe("pnpm mien register", () => {
  it("publishes models/fer7-ensemble next to the active default, verified and content-addressed, and queues its scoring on pinned sets", async () => {
    // A pinned set (its images do not matter here: scoring is the evaluation worker's test).
    const admin = await sandbox.t.db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true } });
    const image = await sandbox.t.db.image.findFirstOrThrow({ select: { sha256: true, label: true } });
    const set = await sandbox.t.db.evalSet.create({
      data: { name: "one image", contentHash: "0".repeat(64), source: "import", imageCount: 1, classCounts: { [image.label]: 1 }, createdById: admin.id },
    });
    await sandbox.t.db.evalSetItem.create({ data: { setId: set.id, position: 0, sha256: image.sha256, label: image.label } });

    const dir = join(REPO_ROOT, "models", "fer7-ensemble");
    const first = await mien(["register", dir, "--json"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { id: string; number: number; contentHash: string; created: boolean; activated: boolean; queued: number };
    // Version 1 (models/default) stays active; both versions wait to be scored on the set.
    expect(out).toMatchObject({ number: 2, created: true, activated: false, queued: 2 });
    const active = await sandbox.t.db.modelAlias.findUniqueOrThrow({ where: { name: "active" }, include: { version: { select: { number: true } } } });
    expect(active.version.number).toBe(1);

    // The registry serves the folder's bytes under the manifest's hash.
    const storage = new LocalStorage(join(sandbox.dataDir, "storage"));
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Array<{ path: string }> };
    for (const f of manifest.files) expect(Buffer.compare(await storage.get(versionFileKey(out.contentHash, f.path)), readFileSync(join(dir, f.path)))).toBe(0);

    // Its score row is on the evaluation queue, under the row's id.
    const score = await sandbox.t.db.evalScore.findUniqueOrThrow({ where: { versionId_setId: { versionId: out.id, setId: set.id } } });
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
    expect(await sandbox.t.db.modelVersion.count()).toBe(2);
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

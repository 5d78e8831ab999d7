import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readTarExport } from "@mien/api/snapshots/tar";

import { cliSandbox, inProcessMien, REPO_ROOT, type CliSandbox } from "../testing/index.ts";

const mien = inProcessMien({ import: () => import("./import.ts"), snapshot: () => import("./snapshot.ts") });

let sandbox: CliSandbox;

beforeAll(async () => {
  sandbox = await cliSandbox("snapshot");
  // The demo sample, through the real importer.
  const imported = await mien(["import", join(REPO_ROOT, "data", "demo")]);
  if (imported.code !== 0) throw new Error(`import failed:\n${imported.stderr}`);
}, 180_000);
afterAll(async () => {
  await sandbox?.close();
});

describe("pnpm mien snapshot", () => {
  it("refuses without an admin, then freezes, lists and exports as class folders and CSV", async () => {
    const noAdmin = await mien(["snapshot", "create"]);
    expect(noAdmin.code).toBe(2);
    expect(noAdmin.stderr).toMatch(/There is no admin/);
    await sandbox.t.db.user.create({ data: { id: "boss", email: "boss@example.com", name: "Boss", role: "admin" } });

    const created = await mien(["snapshot", "create", "--name", "CLI freeze"]);
    expect(created.code, created.stderr).toBe(0);
    const images = await sandbox.t.db.image.count({ where: { split: { not: null } } });
    const snapshot = await sandbox.t.db.datasetSnapshot.findFirstOrThrow();
    expect(snapshot).toMatchObject({ name: "CLI freeze", imageCount: images, createdById: "boss" });
    expect(created.stdout).toContain(`Froze snapshot ${snapshot.id} "CLI freeze"`);
    const again = await mien(["snapshot", "create"]);
    expect(again.stdout).toContain(`Already frozen as snapshot ${snapshot.id}`);

    const listed = await mien(["snapshot", "list"]);
    expect(listed.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${snapshot.id}\t${snapshot.contentHash.slice(0, 12)}\t.*\tboss@example.com\tCLI freeze$`)),
    ]);

    const exported = await mien(["snapshot", "export", snapshot.contentHash.slice(0, 8), "--out", join(sandbox.tmp, "set.tar")]);
    expect(exported.code, exported.stderr).toBe(0);
    const files = await readTarExport(readFileSync(join(sandbox.tmp, "set.tar")));
    expect(files.size).toBe(images + 1);
    expect(createHash("sha256").update(files.get("manifest.tsv")!).digest("hex")).toBe(snapshot.contentHash);
    for (const [name, bytes] of files) {
      if (name === "manifest.tsv") continue;
      const [split, label, file] = name.split("/");
      expect(["train", "val", "test"]).toContain(split);
      expect(file).toBe(`${createHash("sha256").update(bytes).digest("hex")}.jpg`);
      expect(label).toMatch(/^[a-z]+$/);
    }

    const csv = await mien(["snapshot", "export", snapshot.id, "--format", "csv", "--out", join(sandbox.tmp, "set.csv")]);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = readFileSync(join(sandbox.tmp, "set.csv"), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("sha256,label,split,file");
    expect(lines).toHaveLength(images + 1);
  }, 120_000);

  it("says what is wrong with bad arguments, and leaves no partial file", async () => {
    const cases: [string[], RegExp][] = [
      [["snapshot", "export", "nope"], /No snapshot "nope"/],
      [["snapshot", "export"], /Give the snapshot to export/],
      [["snapshot", "export", "abcdef", "--format", "zip"], /--format must be tar or csv/],
      [["snapshot", "create", "--as", "nobody@example.com"], /No account with email nobody@example.com/],
      [["snapshot", "create", "--colour"], /Unknown option '--colour'/],
      [["snapshot", "shred"], /Unknown action "shred"/],
    ];
    for (const [args, message] of cases) {
      const result = await mien(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    // An export that fails half-way (an original missing from storage) exits 1 and removes its partial file.
    const snapshot = await sandbox.t.db.datasetSnapshot.findFirstOrThrow();
    const image = await sandbox.t.db.image.findFirstOrThrow({ where: { split: { not: null } }, orderBy: { sha256: "desc" } });
    rmSync(join(sandbox.dataDir, "storage", ...image.storageKey.split("/")));
    const failed = await mien(["snapshot", "export", snapshot.id, "--out", join(sandbox.tmp, "broken.tar")]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`Image ${image.sha256} is missing from storage`));
    expect(existsSync(join(sandbox.tmp, "broken.tar"))).toBe(false);
    expect(existsSync(join(sandbox.tmp, "broken.tar.partial"))).toBe(false);
  }, 120_000);
});

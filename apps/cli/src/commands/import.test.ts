import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { faces, writeFile } from "@mien/dataset/testing";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

// The CLI exactly as `pnpm mien` runs it, but as one node process so SIGKILL really kills the importer.
const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..", "..");
const MAIN = join(REPO_ROOT, "apps", "cli", "src", "main.ts");

let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-cli-import-"));
const dataDir = join(tmp, "data");

function mien(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: REPO_ROOT,
    // Only the test's own database and folder: everything else must come from the defaults.
    env: { DATABASE_URL: t.url, MIEN_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    child.on("exit", (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

beforeAll(async () => {
  t = await createTestDatabase("mien_test_cli_import");
});
afterAll(async () => {
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("pnpm mien import", () => {
  it("survives SIGKILL: the next run continues the same import and ends with every image exactly once", async () => {
    const root = join(tmp, "big");
    const pics = faces(700, 1000);
    pics.forEach((p, i) => writeFile(join(root, ["happy", "sad", "neutral"][i % 3]!, p.name), p.bytes));

    const first = mien(["import", root, "--concurrency", "1"]);
    // Kill it once the first batch of rows is committed, long before the last one.
    for (;;) {
      const n = await t.db.image.count();
      if (n > 0) break;
      if (first.child.exitCode !== null) throw new Error(`the import ended before it could be killed:\n${(await first.done).stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill("SIGKILL");
    expect((await first.done).signal).toBe("SIGKILL");
    const stored = await t.db.image.count();
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(700);
    const run = await t.db.importRun.findFirstOrThrow();
    expect(run.status).toBe("running");

    const second = await mien(["import", root]).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/resumed\): 700 imported, 0 skipped/);
    expect(await t.db.image.count()).toBe(700);
    const distinctPaths = await t.db.$queryRaw<Array<{ n: bigint }>>`SELECT count(DISTINCT "sourcePath") AS n FROM image`;
    expect(Number(distinctPaths[0]!.n)).toBe(700);
    expect(await t.db.importRun.count()).toBe(1);
    expect((await t.db.importRun.findFirstOrThrow()).status).toBe("completed");

    // And once more: nothing new.
    const third = await mien(["import", root]).done;
    expect(third.stdout).toMatch(/0 imported, 700 skipped/);
    expect(await t.db.image.count()).toBe(700);
  }, 120_000);

  it("prints the summary and writes the full report", async () => {
    const root = join(tmp, "csv");
    const pics = faces(5, 2000);
    writeFile(join(root, "images", "broken.jpg"), pics[0]!.bytes.subarray(0, 300));
    pics.forEach((p) => writeFile(join(root, "images", p.name), p.bytes));
    writeFile(join(root, "legend.csv"), ["image,emotion", ...pics.map((p) => `${p.name},HAPPINESS`), "broken.jpg,fear", "gone.jpg,fear"].join("\n"));

    const r = await mien(["import", root, "--report", join(tmp, "out", "report.json")]).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/5 imported, 0 skipped \(already in the library\), 2 not imported/);
    expect(r.stdout).toMatch(/happiness/);
    expect(r.stdout).toMatch(/corrupt-image \(1\)\n {4}images\/broken\.jpg: could not decode/);
    expect(r.stdout).toMatch(/missing-file \(1\)\n {4}images\/gone\.jpg: legend\.csv line 8 names this file, but it does not exist/);
    const report = JSON.parse(readFileSync(join(tmp, "out", "report.json"), "utf8"));
    expect(report).toMatchObject({ imported: 5, failed: 2, layout: "labels-csv" });
    expect(report.issues).toHaveLength(2);
    expect(r.stdout).toContain(join(tmp, "out", "report.json"));
  }, 60_000);

  it("writes the report under <data dir>/reports by default", async () => {
    const root = join(tmp, "tiny");
    const [p] = faces(1, 2100);
    writeFile(join(root, "surprise", p!.name), p!.bytes);
    const r = await mien(["import", root]).done;
    expect(r.code, r.stderr).toBe(0);
    const path = /Full report: (.+)$/m.exec(r.stdout)![1]!;
    expect(path.startsWith(join(dataDir, "reports", "import-"))).toBe(true);
    expect(existsSync(path)).toBe(true);
  }, 60_000);

  it("exits 2 on unknown labels, listing them with a --map hint, and imports nothing", async () => {
    const root = join(tmp, "unknown");
    const pics = faces(3, 2200);
    writeFile(join(root, "Puzzled", pics[0]!.name), pics[0]!.bytes);
    writeFile(join(root, "Puzzled", pics[1]!.name), pics[1]!.bytes);
    writeFile(join(root, "happy", pics[2]!.name), pics[2]!.bytes);
    const before = await t.db.image.count();
    const r = await mien(["import", root]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"Puzzled" (2 images)');
    expect(r.stderr).toMatch(/--map/);
    expect(await t.db.image.count()).toBe(before);

    const mapped = await mien(["import", root, "--map", "puzzled=surprise"]).done;
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(mapped.stdout).toMatch(/3 imported/);
  }, 60_000);

  it("explains bad arguments with exit code 2", async () => {
    const none = await mien(["import"]).done;
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Missing the path to import/);
    const badMap = await mien(["import", tmp, "--map", "nonsense"]).done;
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toMatch(/--map expects from=to/);
  }, 60_000);
});

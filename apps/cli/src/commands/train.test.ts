import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { ferFolder, inProcessMien } from "../testing/index.ts";

const tmp = mkdtempSync(join(tmpdir(), "mien-cli-train-"));
const previousDataDir = process.env.MIEN_DATA_DIR;
// Checkpoints and caches go to this test's folder.
process.env.MIEN_DATA_DIR = join(tmp, "data");
afterAll(() => {
  if (previousDataDir === undefined) delete process.env.MIEN_DATA_DIR;
  else process.env.MIEN_DATA_DIR = previousDataDir;
  rmSync(tmp, { recursive: true, force: true });
});

const mien = inProcessMien({ train: () => import("./train.ts") });

describe("pnpm mien train", () => {
  it("refuses a teacher that is not a version folder, naming it, and writes nothing", async () => {
    const data = join(tmp, "fer-small");
    for (const split of ["train", "val"]) ferFolder(data, split, 2);
    const teacher = join(tmp, "not-a-version");
    mkdirSync(teacher);
    const out = join(tmp, "student");
    const r = await mien(["train", "--data", data, "--out", out, "--mode", "scratch", "--epochs", "1", "--teacher", teacher]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`The teacher ${teacher} is not a version folder (no manifest.json).`);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { ferFolder, inProcessMien, tempDataDir } from "../testing/index.ts";

const tmp = tempDataDir("train");

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

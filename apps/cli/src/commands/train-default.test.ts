import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { inProcessMien, REPO_ROOT } from "../testing/index.ts";

const FER = join(REPO_ROOT, "..", "shared", "data", "fer2013");
const tmp = mkdtempSync(join(tmpdir(), "mien-cli-train-default-"));
const previousDataDir = process.env.MIEN_DATA_DIR;
// The parts' embedding caches go to this test's folder, in this process and in the parts' processes.
process.env.MIEN_DATA_DIR = join(tmp, "data");
afterAll(() => {
  if (previousDataDir === undefined) delete process.env.MIEN_DATA_DIR;
  else process.env.MIEN_DATA_DIR = previousDataDir;
  rmSync(tmp, { recursive: true, force: true });
});

const mien = inProcessMien({ "train-default": () => import("./train-default.ts") });

/** <root>/{train,val}/<class>/ with a few real FER2013 faces per class. */
function smallFolder(perClass: number): string {
  const root = join(tmp, "fer-small");
  for (const split of ["train", "val"]) {
    for (const cls of readdirSync(join(FER, split))) {
      mkdirSync(join(root, split, cls), { recursive: true });
      for (const f of readdirSync(join(FER, split, cls))
        .sort()
        .slice(0, perClass))
        cpSync(join(FER, split, cls, f), join(root, split, cls, f));
    }
  }
  return root;
}

describe("pnpm mien train-default", () => {
  it("refuses an unknown part or a bad --jobs before training anything", async () => {
    const work = join(tmp, "refused");
    const unknown = await mien(["train-default", "--work", work, "--only", "fer7-cnn-xl"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown part\(s\) fer7-cnn-xl/);
    for (const jobs of ["0", "two"]) {
      const bad = await mien(["train-default", "--work", work, "--only", "fer7-faceapi-mlp", "--jobs", jobs]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`--jobs takes a whole number of at least 1; got "${jobs}"`);
    }
    expect(existsSync(work)).toBe(false);
  });

  it("trains a part in its own process, prefixes its log, and reuses it when run again", { timeout: 240_000 }, async () => {
    const data = smallFolder(6);
    const work = join(tmp, "parts");
    const first = await mien(["train-default", "--data", data, "--work", work, "--only", "fer7-faceapi-mlp"]);
    expect(first.stderr).not.toMatch(/stopped|Error/);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^\[fer7-faceapi-mlp\] .*Epoch 1/m);
    const trained = (JSON.parse(first.stdout) as { parts: Record<string, unknown>[] }).parts;
    expect(trained).toHaveLength(1);
    expect(trained[0]).toMatchObject({ part: "fer7-faceapi-mlp", threads: expect.any(Number) });
    expect(trained[0]!.wallMinutes).toBeGreaterThan(0);
    expect(existsSync(join(work, "fer7-faceapi-mlp", "manifest.json"))).toBe(true);

    const again = await mien(["train-default", "--data", data, "--work", work, "--only", "fer7-faceapi-mlp"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/fer7-faceapi-mlp: already trained/);
    expect((JSON.parse(again.stdout) as { parts: Record<string, unknown>[] }).parts[0]).toMatchObject({ part: "fer7-faceapi-mlp", reused: true });
  });
});

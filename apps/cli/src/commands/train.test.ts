import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { manifestMembers, parseArtifactManifest } from "@mien/model/manifest";

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

  it("trains a cohort of CNNs together into one version whose members are the networks, equally weighted", async () => {
    const data = join(tmp, "fer-cohort");
    for (const split of ["train", "val"]) ferFolder(data, split, 3);
    const out = join(tmp, "cohort");
    const args = ["train", "--data", data, "--out", out, "--name", "cohort-test", "--mode", "scratch", "--epochs", "1", "--batch-size", "8"];
    const refused = await mien([...args, "--mutual-weight", "0.3"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--mutual-weight needs --cohort.");
    const lone = await mien([...args, "--burn-in", "1"]);
    expect(lone.code).toBe(1);
    expect(lone.stderr).toContain("--burn-in needs --cohort.");
    const tooLong = await mien([...args, "--cohort", "2", "--burn-in", "1"]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain("A burn-in of 1 epoch leaves none of the 1");
    expect(existsSync(out)).toBe(false);
    const r = await mien([...args, "--cohort", "2", "--mutual-weight", "0.3"]);
    expect(r.code, r.stderr).toBe(0);
    const manifest = parseArtifactManifest(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    const members = manifestMembers(manifest);
    expect(members.map((m) => m.modelFile)).toEqual(["m0.json", "m1.json"]);
    expect(members.map((m) => m.weight)).toEqual([undefined, undefined]);
    members.forEach((m, i) => {
      expect(m.kind === "conv" && m.architecture).toContain(`member ${i + 1} of 2 trained together (mutual weight 0.3)`);
      const json = JSON.parse(readFileSync(join(out, m.modelFile), "utf8")) as { weightsManifest: { paths: string[] }[] };
      expect(json.weightsManifest.flatMap((g) => g.paths)).toEqual([`m${i}-0.bin`]);
      expect(existsSync(join(out, `m${i}-0.bin`))).toBe(true);
    });
    // The version was evaluated as a whole (both networks) on val.
    expect(manifest.metrics.val!.n).toBe(21);
    expect(manifest.training.config).toMatchObject({ conv: { cohort: { members: 2, weight: 0.3 } } });
  }, 240_000);
});

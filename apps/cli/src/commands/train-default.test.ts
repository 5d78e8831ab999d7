import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { ferFolder, inProcessMien, tempDataDir } from "../testing/index.ts";
import { buildOrder, DEFAULT_RECIPE, runRecipe, type Recipe } from "./train-default.ts";

const tmp = tempDataDir("train-default");

const mien = inProcessMien({ "train-default": () => import("./train-default.ts") });

/**
 * The committed recipe's shape in miniature (two cnn-s trained together and a head, their ensemble,
 * a cnn-s distilled from it) at one epoch each, so that the test runs the same steps in seconds rather than hours.
 */
const ONE_EPOCH_CNN = { mode: "scratch", architecture: "cnn-s", epochs: "1", "batch-size": "32" };
const TINY: Recipe = {
  parts: [
    { name: "cnn", flags: { ...ONE_EPOCH_CNN, cohort: "2" } },
    { name: "head", flags: { epochs: "1", "batch-size": "32" } },
    { name: "student", flags: { ...ONE_EPOCH_CNN, seed: "2", "distill-weight": "0.8" }, teacher: "pair" },
  ],
  ensembles: [{ name: "pair", members: ["cnn", "head"] }],
  target: "student",
};
const tinyMien = inProcessMien({ "train-default": async () => ({ run: (argv: string[]) => runRecipe(argv, TINY) }) });

/** <root>/{train,val}/<class>/ with a few real FER2013 faces per class. */
function smallFolder(perClass: number): string {
  const root = join(tmp, "fer-small");
  for (const split of ["train", "val"]) ferFolder(root, split, perClass);
  return root;
}

describe("the training recipe's build order", () => {
  it("puts every teacher and member before what needs it, once each", () => {
    const order = buildOrder("fer7-ensemble-v3")!;
    expect(order.parts.map((p) => p.name)).toEqual(["fer7-cnn-s", "fer7-cnn-s-b", "fer7-faceapi-mlp", "fer7-cnn-s-kd36"]);
    expect(order.ensembles.map((e) => e.name)).toEqual(["fer7-ensemble-v2", "fer7-ensemble-v3"]);
    const v4 = buildOrder("fer7-ensemble-v4")!;
    expect(v4.parts.map((p) => p.name)).toEqual(["fer7-faceapi-mlp", "fer7-cnn-s", "fer7-cnn-s-b", "fer7-cnn-s-kd36", "fer7-cnn-s-kd2"]);
    expect(v4.ensembles.map((e) => e.name)).toEqual(["fer7-ensemble-v2", "fer7-ensemble-v3", "fer7-ensemble-v4"]);
    // v5 has no head, but its wide student learns from v4, so v4 and everything it needs come first.
    const v5 = buildOrder("fer7-ensemble-v5")!;
    expect(v5.parts.map((p) => p.name)).toEqual([...v4.parts.map((p) => p.name), "fer7-cnn-sw-kd"]);
    expect(v5.ensembles.map((e) => e.name)).toEqual([...v4.ensembles.map((e) => e.name), "fer7-ensemble-v5"]);
    expect(buildOrder("fer7-faceapi-mlp")).toEqual({ parts: [DEFAULT_RECIPE.parts.find((p) => p.name === "fer7-faceapi-mlp")], ensembles: [] });
    expect(buildOrder("fer7-cnn-xl")).toBeNull();
    // Every committed recipe resolves: no part names a teacher, and no ensemble a member, that is missing.
    for (const e of DEFAULT_RECIPE.ensembles) expect(buildOrder(e.name)).not.toBeNull();
    for (const p of DEFAULT_RECIPE.parts) expect(buildOrder(p.name)).not.toBeNull();
  });

  it("cannot resolve a recipe whose part names a teacher that is not in it", () => {
    expect(buildOrder("s", { parts: [{ name: "s", flags: {}, teacher: "gone" }], ensembles: [], target: "s" })).toBeNull();
  });
});

describe("pnpm mien train-default", () => {
  it("refuses an unknown target or a bad --jobs before training anything", async () => {
    const work = join(tmp, "refused");
    const unknown = await mien(["train-default", "--work", work, "--target", "fer7-cnn-xl"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown target "fer7-cnn-xl"/);
    for (const jobs of ["0", "two"]) {
      const bad = await mien(["train-default", "--work", work, "--target", "fer7-faceapi-mlp", "--jobs", jobs]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain(`--jobs takes a whole number of at least 1; got "${jobs}"`);
    }
    expect(existsSync(work)).toBe(false);
  });

  it(
    "builds a distilled part after its teacher ensemble, each part in its own process, and reuses all of it when run again",
    { timeout: 300_000 },
    async () => {
      const data = smallFolder(4);
      const work = join(tmp, "parts");
      const out = join(tmp, "student");
      const args = ["train-default", "--data", data, "--work", work, "--out", out];
      const first = await tinyMien(args);
      expect(first.stderr).not.toMatch(/stopped|Error/);
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(/^\[head\] .*Epoch 1/m);
      expect(first.stderr).toMatch(/^pair: averaging cnn, head$/m);
      const trained = (JSON.parse(first.stdout) as { target: string; parts: { part: string }[] }).parts;
      expect(trained.map((p) => p.part).sort()).toEqual(["cnn", "head", "student"]);
      for (const p of trained) expect(p).toMatchObject({ threads: expect.any(Number), wallMinutes: expect.any(Number) });
      // The cohort trains alone with every core (the head first, with every core too, as the only other part ready).
      expect(trained.map((p) => p.part)).toEqual(["head", "cnn", "student"]);
      expect(trained.find((p) => p.part === "cnn")).toMatchObject({ threads: availableParallelism() });
      // The student learnt from the ensemble built before it, named by its manifest's hash.
      const teacherHash = createHash("sha256")
        .update(readFileSync(join(work, "pair", "manifest.json")))
        .digest("hex");
      const student = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
        name: string;
        members: { architecture: string }[];
        training: { teacher?: { name: string; contentHash: string } };
      };
      expect(student.name).toBe("student");
      expect(student.training.teacher).toEqual({ name: "pair", contentHash: teacherHash });
      expect(student.members[0]!.architecture).toContain(`distilled from pair (${teacherHash.slice(0, 12)}, weight 0.8)`);
      expect(readFileSync(join(out, "manifest.json"))).toEqual(readFileSync(join(work, "student", "manifest.json")));

      const again = await tinyMien(args);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/^pair: already built from these parts/m);
      // An ensemble as the target, already built: copied to --out, with its hash, val figures and weights.
      const pairOut = join(tmp, "pair-out");
      const pair = await tinyMien(["train-default", "--target", "pair", "--data", data, "--work", work, "--out", pairOut]);
      expect(pair.code).toBe(0);
      const printed = JSON.parse(pair.stdout) as { contentHash: string; val: { accuracy: number }; weights: Record<string, number> };
      const pairManifest = JSON.parse(readFileSync(join(pairOut, "manifest.json"), "utf8")) as { metrics: { val: { accuracy: number } } };
      expect(printed.contentHash).toBe(teacherHash);
      expect(printed.val.accuracy).toBe(pairManifest.metrics.val.accuracy);
      // The cohort's two networks are recorded as networks of the ensemble, each with the cohort's hash.
      expect(Object.keys(printed.weights)).toEqual(["cnn #1", "cnn #2", "head"]);
      expect(again.stderr).toMatch(/^student: already trained/m);
      const reused = (JSON.parse(again.stdout) as { parts: { part: string; reused?: boolean }[] }).parts;
      expect(reused.map((p) => [p.part, p.reused])).toEqual([
        ["cnn", true],
        ["head", true],
        ["student", true],
      ]);

      // Parts are judged by content, not file times: a member's manifest touched (as a copy without
      // kept times would do) leaves everything reused.
      const later = new Date(Date.now() + 60_000);
      utimesSync(join(work, "head", "manifest.json"), later, later);
      const touched = await tinyMien(args);
      expect(touched.code).toBe(0);
      expect(touched.stderr).toMatch(/^pair: already built from these parts/m);
      expect(touched.stderr).toMatch(/^student: already trained/m);

      // A member trained again rebuilds the ensemble, and the student learns again from the new one.
      rmSync(join(work, "head"), { recursive: true });
      const third = await tinyMien(args);
      expect(third.code).toBe(0);
      expect(third.stderr).toMatch(/^pair: averaging cnn, head$/m);
      expect((JSON.parse(third.stdout) as { parts: { part: string; reused?: boolean }[] }).parts.map((p) => [p.part, p.reused ?? false])).toEqual([
        ["cnn", true],
        ["head", false],
        ["student", false],
      ]);
    },
  );
});

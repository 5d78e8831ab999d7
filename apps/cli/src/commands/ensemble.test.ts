import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { manifestMembers, parseArtifactManifest } from "@mien/model/manifest";

import { ferFolder, inProcessMien, REPO_ROOT } from "../testing/index.ts";

const DEFAULT_MODEL = join(REPO_ROOT, "models", "default");
const tmp = mkdtempSync(join(tmpdir(), "mien-cli-ensemble-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const mien = inProcessMien({ ensemble: () => import("./ensemble.ts"), eval: () => import("./eval.ts") });

/** A <root>/val/<class>/ folder of 8 real FER2013 val faces per class. */
const smallValFolder = () => ferFolder(join(tmp, "fer-small"), "val", 8);

describe("pnpm mien ensemble", () => {
  it("averages versions into one version whose members are theirs, calibrated and scored on val", async () => {
    const data = smallValFolder();
    const out = join(tmp, "pair");
    const r = await mien(["ensemble", "--model", DEFAULT_MODEL, "--model", DEFAULT_MODEL, "--data", data, "--out", out, "--name", "pair"]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const manifest = parseArtifactManifest(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifest.formatVersion).toBe(2);
    // Every member of each copy, renamed in order; weights fitted on val, where two copies of one
    // model gain nothing from either, so each copy keeps half and its members their own shares.
    const own = manifestMembers(parseArtifactManifest(JSON.parse(readFileSync(join(DEFAULT_MODEL, "manifest.json"), "utf8"))));
    const members = manifestMembers(manifest);
    expect(members.map((m) => m.modelFile)).toEqual([...own, ...own].map((_, i) => `m${i}.json`));
    const within = own.reduce((s, m) => s + (m.weight ?? 1), 0);
    expect(members.map((m) => m.weight)).toEqual([...own, ...own].map((m) => Math.round(((0.5 * (m.weight ?? 1)) / within) * 1e4) / 1e4));
    expect(
      manifest.files
        .map((f) => f.path)
        .filter((p) => p.endsWith(".json"))
        .sort(),
    ).toEqual(members.map((m) => m.modelFile).sort());
    expect(manifest.files.some((f) => f.path === "card.md")).toBe(true);
    expect(manifest.metrics.val!.n).toBe(56);
    // Each network is recorded with the content hash of the version it was trained as.
    const ownHash = createHash("sha256")
      .update(readFileSync(join(DEFAULT_MODEL, "manifest.json")))
      .digest("hex");
    expect((manifest.training.config.ensemble as { contentHash?: string }[]).map((p) => p.contentHash)).toEqual([ownHash, ownHash]);
    // Two copies of one model predict what the model predicts: same accuracy on the same images.
    const single = JSON.parse((await mien(["eval", "--model", DEFAULT_MODEL, "--data", join(data, "val"), "--json"])).stdout);
    const pair = JSON.parse((await mien(["eval", "--model", out, "--data", join(data, "val"), "--json"])).stdout);
    expect(pair.accuracy).toBe(single.accuracy);
    expect(pair.n).toBe(56);
  }, 300_000);

  it("fits a weight per network when a version is itself an ensemble", async () => {
    const data = smallValFolder();
    const pair = join(tmp, "pair-of-two");
    expect((await mien(["ensemble", "--model", DEFAULT_MODEL, "--model", DEFAULT_MODEL, "--data", data, "--out", pair, "--name", "pair"])).code).toBe(0);
    const out = join(tmp, "trio");
    const r = await mien(["ensemble", "--model", pair, "--model", DEFAULT_MODEL, "--data", data, "--out", out, "--name", "trio", "--tta", "flip-crop"]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const manifest = parseArtifactManifest(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifest.preprocessing.tta).toBe("flip-crop");
    // Three networks, each with its own share: the pair's two are not held at half between them.
    // All three predict alike, so no share beats equal ones.
    expect(manifestMembers(manifest).map((m) => m.weight)).toEqual([0.3333, 0.3333, 0.3333]);
    const own = JSON.parse(readFileSync(join(DEFAULT_MODEL, "manifest.json"), "utf8"));
    const recorded = manifest.training.config.ensemble as { name: string; config: Record<string, unknown>; valAccuracy?: number }[];
    // The pair's networks keep the name, config and val accuracy the pair recorded for them.
    expect(recorded.map((p) => p.name)).toEqual([own.name, own.name, own.name]);
    expect(recorded[0]!.config).toEqual(own.training.config);
    expect(recorded[0]!.valAccuracy).toBe(own.metrics.val.accuracy);
    // and the content hash of the version each was trained as, so all three name the default's.
    const ownHash = createHash("sha256")
      .update(readFileSync(join(DEFAULT_MODEL, "manifest.json")))
      .digest("hex");
    expect((manifest.training.config.ensemble as { contentHash?: string }[]).map((p) => p.contentHash)).toEqual([ownHash, ownHash, ownHash]);
    expect(JSON.parse(r.stdout).members).toHaveLength(3);
    // Training time is the given versions' (the pair's once, not once per network).
    const seconds = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).training.seconds;
    expect(manifest.training.seconds).toBeCloseTo(seconds(pair) + seconds(DEFAULT_MODEL), 1);

    // One ensemble alone is fitted again (here under another TTA).
    const again = join(tmp, "pair-again");
    const refit = await mien(["ensemble", "--model", pair, "--data", data, "--out", again, "--name", "pair", "--tta", "none"]);
    expect(refit.code).toBe(0);
    const refitted = parseArtifactManifest(JSON.parse(readFileSync(join(again, "manifest.json"), "utf8")));
    expect(refitted.preprocessing.tta).toBe("none");
    expect(manifestMembers(refitted).map((m) => m.weight)).toEqual([0.5, 0.5]);
  }, 300_000);

  it("fits weights on what it averages: the members' log-probabilities without their own prior correction", async () => {
    const data = smallValFolder();
    // The same network, once with a strong prior correction of its own: averaged, both give the same
    // raw log-probabilities, so neither share should beat equal ones.
    const corrected = join(tmp, "corrected");
    cpSync(DEFAULT_MODEL, corrected, { recursive: true });
    const m = JSON.parse(readFileSync(join(corrected, "manifest.json"), "utf8"));
    m.calibration.priorCorrection = { strength: 1, trainShares: [0.3, 0.01, 0.1, 0.3, 0.15, 0.1, 0.04] };
    writeFileSync(join(corrected, "manifest.json"), JSON.stringify(m));
    const out = join(tmp, "same-twice");
    const r = await mien(["ensemble", "--model", DEFAULT_MODEL, "--model", corrected, "--data", data, "--out", out, "--name", "same"]);
    expect(r.code).toBe(0);
    const manifest = parseArtifactManifest(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect(manifestMembers(manifest).map((x) => x.weight)).toEqual([0.5, 0.5]);
  }, 300_000);

  it("refuses one version, or versions it cannot average, with the reason", async () => {
    const data = smallValFolder();
    const one = await mien(["ensemble", "--model", DEFAULT_MODEL, "--data", data, "--out", join(tmp, "x"), "--name", "x"]);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/at least two networks/);
    const other = join(tmp, "other-classes");
    cpSync(DEFAULT_MODEL, other, { recursive: true });
    const m = JSON.parse(readFileSync(join(other, "manifest.json"), "utf8"));
    m.classes = [...m.classes].reverse();
    writeFileSync(join(other, "manifest.json"), JSON.stringify(m));
    const r = await mien(["ensemble", "--model", DEFAULT_MODEL, "--model", other, "--data", data, "--out", join(tmp, "y"), "--name", "y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/predict different classes/);
    // A folder that is not a version: named, and nothing written.
    const notAVersion = join(tmp, "fer-small");
    const bad = await mien(["ensemble", "--model", DEFAULT_MODEL, "--model", notAVersion, "--data", data, "--out", join(tmp, "z"), "--name", "z"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${notAVersion} has no manifest.json; a version folder is expected.`);
    expect(existsSync(join(tmp, "z"))).toBe(false);
  }, 60_000);

  it("leaves out the networks named with --without, and refuses a name that is no network's or too few left", async () => {
    const data = smallValFolder();
    const v2 = join(REPO_ROOT, "models", "fer7-ensemble-v2");
    const kd36 = join(REPO_ROOT, "models", "fer7-cnn-s-kd36");
    const base = ["ensemble", "--model", v2, "--model", kd36, "--data", data];
    const out = join(tmp, "head-and-student");
    const r = await mien([...base, "--out", out, "--name", "hs", "--without", "fer7-cnn-s", "--without", "fer7-cnn-s-b"]);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const manifest = parseArtifactManifest(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")));
    expect((manifest.training.config.ensemble as { name: string }[]).map((p) => p.name)).toEqual(["fer7-faceapi-mlp", "fer7-cnn-s-kd36"]);
    expect(manifestMembers(manifest).map((m) => m.kind)).toEqual(["head", "conv"]);
    expect(manifest.files.filter((f) => /^m\d+\.json$/.test(f.path))).toHaveLength(2);
    expect(manifest.backbones.map((b) => b.id)).toEqual(["faceapi-expression"]);
    // Without the head no network reads face-api's features, so the version (and its card) names no backbone.
    const cnns = join(tmp, "cnns-only");
    const c = await mien([...base, "--out", cnns, "--name", "cnns", "--without", "fer7-faceapi-mlp"]);
    expect(c.code).toBe(0);
    const cnnsManifest = parseArtifactManifest(JSON.parse(readFileSync(join(cnns, "manifest.json"), "utf8")));
    expect(manifestMembers(cnnsManifest).map((m) => m.kind)).toEqual(["conv", "conv", "conv"]);
    expect(cnnsManifest.backbones).toEqual([]);
    expect(readFileSync(join(cnns, "card.md"), "utf8")).not.toContain("**faceapi-expression**");

    const unknown = await mien([...base, "--out", join(tmp, "u"), "--name", "u", "--without", "fer7-cnn-xl"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No network is named "fer7-cnn-xl"; the versions hold fer7-cnn-s, fer7-cnn-s-b, fer7-faceapi-mlp, fer7-cnn-s-kd36\./);
    const alone = await mien([
      ...base,
      "--out",
      join(tmp, "a"),
      "--name",
      "a",
      "--without",
      "fer7-cnn-s",
      "--without",
      "fer7-cnn-s-b",
      "--without",
      "fer7-faceapi-mlp",
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/leaves 1 network\(s\); an ensemble needs at least two/);
    expect(existsSync(join(tmp, "u")) || existsSync(join(tmp, "a"))).toBe(false);
  }, 300_000);
});

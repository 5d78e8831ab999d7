// fake-indexeddb: the device cache the worker keeps model files in (Node has no IndexedDB).
import "fake-indexeddb/auto";

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";

import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { ArtifactManifest } from "@mien/model";

import { lastGoodModel, rememberGoodModel } from "./model-cache.ts";
import { loadCoachModel, packagedSources } from "./model-source.ts";
import type { ActiveModelRef, PackagedUrls } from "./worker/protocol.ts";

/**
 * Offline: the page could not reach the registry ("unreachable"). The worker then runs the version
 * that last loaded on this device, from the files it cached when it loaded online, with no
 * fallback reason, because nothing failed. The server here serves the packaged files and the
 * committed default model, and is then shut down, as the network would be.
 */
const require = createRequire(import.meta.url);
const faceApiDir = join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
const DEFAULT_DIR = join(import.meta.dirname, "..", "..", "..", "..", "models", "default");
const files = new Map<string, Buffer>();
let server: Server;
let urls: PackagedUrls;
let good: ActiveModelRef;
const served: string[] = [];

beforeAll(async () => {
  await tf.setBackend("cpu");
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    served.push(path);
    const body = files.get(path);
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  urls = { faceApi: `${base}/models/face-api/1.7.15/`, human: `${base}/models/human/3.0.4/`, wasm: `${base}/unused/` };
  for (const f of ["face_expression_model-weights_manifest.json", "face_expression_model.bin"])
    files.set(`/models/face-api/1.7.15/${f}`, await readFile(join(faceApiDir, f)));
  const manifestBytes = await readFile(join(DEFAULT_DIR, "manifest.json"));
  const manifest = JSON.parse(manifestBytes.toString("utf8")) as ArtifactManifest;
  const contentHash = createHash("sha256").update(manifestBytes).digest("hex");
  files.set(`/registry/${contentHash}/manifest.json`, manifestBytes);
  for (const f of manifest.files) files.set(`/registry/${contentHash}/${f.path}`, await readFile(join(DEFAULT_DIR, f.path)));
  good = { version: 1, contentHash, name: manifest.name, baseUrl: `${base}/registry/${contentHash}/` };
  vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterAll(() => server.listening && new Promise<void>((resolve) => server.close(() => resolve())));

describe("loadCoachModel offline", () => {
  it("runs the last good version from the device cache when the registry cannot be reached, without an error", async () => {
    // Online once: the promoted version loads, its files are checked and kept on the device.
    const online = await loadCoachModel(good, urls, packagedSources(urls));
    expect(online.info).toMatchObject({ source: "registry", key: good.contentHash });
    await rememberGoodModel(online.ref!);
    online.model.dispose();

    // The network goes away.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    served.length = 0;

    const lastGood = await lastGoodModel();
    expect(lastGood).toEqual(good);
    const offline = await loadCoachModel("unreachable", urls, packagedSources(urls), lastGood);
    expect(offline.info).toMatchObject({ source: "registry", key: good.contentHash, version: "1", name: good.name });
    expect(offline.info.fallbackReason).toBeUndefined();
    expect(offline.ref).toEqual(good);
    expect(served).toEqual([]);
    const p = offline.model.predict(tf.fill([1, 96, 96, 3], 128) as tf.Tensor4D);
    expect(((await p.array()) as number[][])[0]!.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 4);
    tf.dispose(p);
    offline.model.dispose();
  });

  it("runs the packaged model (also kept on the device) and says why when no version has run here yet", async () => {
    expect(server.listening).toBe(false);
    const { info, model, ref } = await loadCoachModel("unreachable", urls, packagedSources(urls), null);
    expect(info.source).toBe("packaged");
    expect(ref).toBeUndefined();
    expect(info.fallbackReason).toBe("The model registry could not be reached, and no published version has run on this device yet.");
    model.dispose();
  });
});

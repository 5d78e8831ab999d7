/**
 * The benchmark page (bundled by coach.bench.ts): runs the coach's own worker pipeline and the
 * face-api library's tiny-detector + expression-net pipeline on the same fake-webcam video, one
 * after the other, and hands the measurements to the driver.
 */
import * as faceapi from "@vladmandic/face-api";

import { CoachEngine } from "../../../apps/web/src/coach/engine.ts";
import type { ActiveModelRef, FromWorker, PackagedUrls, ToWorker } from "../../../apps/web/src/coach/worker/protocol.ts";

declare global {
  interface Window {
    bench: typeof bench;
  }
}

export interface Sample {
  /** Frame in → reading out, ms. */
  latencyMs: number;
  pixelsMs?: number;
  detectMs?: number;
  classifyMs?: number;
  faces: number;
  top: string | null;
}

export interface PhaseResult {
  pipeline: string;
  mode: "live" | "back-to-back";
  backend: string;
  notes: string[];
  seconds: number;
  samples: Sample[];
}

const URLS: PackagedUrls = { faceApi: "/models/face-api/", human: "/models/human/", wasm: "/models/tfjs-wasm/" };
// The version the driver serves as the promoted model (?model=<content hash>), else the packaged net.
const query = new URLSearchParams(location.search);
const ACTIVE: ActiveModelRef | null = query.get("model")
  ? { version: "bench", contentHash: query.get("model")!, name: query.get("name") ?? "bench", baseUrl: `/api/models/${query.get("model")}/` }
  : null;
const video = document.querySelector("video")!;
const newWorker = () => new Worker("/coach.worker.js", { type: "module" });

async function startCamera(): Promise<{ width: number; height: number; fps: number | undefined }> {
  if (!video.srcObject) {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: { ideal: 60 } } });
    video.srcObject = stream;
    await video.play();
  }
  const settings = (video.srcObject as MediaStream).getVideoTracks()[0]!.getSettings();
  return { width: video.videoWidth, height: video.videoHeight, fps: settings.frameRate };
}

/** The coach page's loop exactly: CoachEngine, one frame in flight, a new frame each time. */
function mienLive(seconds: number, backends?: string[]): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const samples: Sample[] = [];
    let classes: string[] = [];
    let started = 0;
    const engine = new CoachEngine(
      newWorker,
      URLS,
      ACTIVE,
      {
        status: (s) => {
          if (s.kind === "failed") reject(new Error(s.message));
          if (s.kind !== "ready") return;
          classes = s.model.classes;
          setTimeout(() => {
            engine.detach();
            engine.dispose();
            resolve({ pipeline: "mien", mode: "live", backend: s.backend, notes: s.backendNotes, seconds: (performance.now() - started) / 1000, samples });
          }, seconds * 1000);
          started = performance.now();
          engine.attach(video);
        },
        reading: (r, _t, roundTripMs) => {
          const p = r.probabilities;
          samples.push({
            latencyMs: roundTripMs,
            pixelsMs: r.timings.pixelsMs,
            detectMs: r.timings.detectMs,
            classifyMs: r.timings.classifyMs,
            faces: r.faces.length,
            top: p ? classes[p.indexOf(Math.max(...p))]! : null,
          });
        },
      },
      backends,
    );
  });
}

/** The same worker fed as fast as it answers (not waiting for new camera frames): its throughput. */
function mienBackToBack(seconds: number, backends?: string[]): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const worker = newWorker();
    const samples: Sample[] = [];
    let classes: string[] = [];
    let backend = "";
    let notes: string[] = [];
    let started = 0;
    let sentAt = 0;
    let id = 0;
    const send = async () => {
      if (performance.now() - started > seconds * 1000) {
        worker.terminate();
        resolve({ pipeline: "mien", mode: "back-to-back", backend, notes, seconds: (performance.now() - started) / 1000, samples });
        return;
      }
      sentAt = performance.now();
      const bitmap = await createImageBitmap(video);
      worker.postMessage({ type: "frame", id: ++id, bitmap } satisfies ToWorker, [bitmap]);
    };
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      if (m.type === "fatal") reject(new Error(m.message));
      if (m.type === "ready") {
        classes = m.model.classes;
        backend = m.backend;
        notes = m.backendNotes;
        started = performance.now();
        void send();
      }
      if (m.type === "reading") {
        const p = m.probabilities;
        samples.push({
          latencyMs: performance.now() - sentAt,
          pixelsMs: m.timings.pixelsMs,
          detectMs: m.timings.detectMs,
          classifyMs: m.timings.classifyMs,
          faces: m.faces.length,
          top: p ? classes[p.indexOf(Math.max(...p))]! : null,
        });
        void send();
      }
    };
    worker.postMessage({ type: "init", urls: URLS, active: ACTIVE, ...(backends ? { backends } : {}) } satisfies ToWorker);
  });
}

let faceApiReady: Promise<string> | null = null;

/** face-api's bundled TF.js (4.22, like ours); its type declarations omit these functions. */
const faceApiTf = faceapi.tf as unknown as {
  setWasmPaths(prefix: string): void;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
};

/** face-api as its README uses it: its own TF.js bundle, models from our server, the same backend. */
function loadFaceApi(backend: string): Promise<string> {
  faceApiReady ??= (async () => {
    faceApiTf.setWasmPaths(URLS.wasm);
    await faceApiTf.setBackend(backend);
    await faceApiTf.ready();
    await faceapi.nets.tinyFaceDetector.loadFromUri(URLS.faceApi);
    await faceapi.nets.faceExpressionNet.loadFromUri(URLS.faceApi);
    await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions();
    return faceApiTf.getBackend();
  })();
  return faceApiReady;
}

/** face-api's tiny face detector alone, back to back: the detector the coach did not pick. */
async function faceApiDetectorOnly(seconds: number, backend: string): Promise<PhaseResult> {
  const used = await loadFaceApi(backend);
  const samples: Sample[] = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const t0 = performance.now();
    const found = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions());
    samples.push({ latencyMs: performance.now() - t0, faces: found.length, top: null });
  }
  return { pipeline: "face-api tiny detector only", mode: "back-to-back", backend: used, notes: [], seconds: (performance.now() - started) / 1000, samples };
}

async function faceApiOnce(): Promise<Sample> {
  const t0 = performance.now();
  const found = await faceapi.detectAllFaces(video, new faceapi.TinyFaceDetectorOptions()).withFaceExpressions();
  const latencyMs = performance.now() - t0;
  const first = found[0]?.expressions.asSortedArray()[0]?.expression ?? null;
  return { latencyMs, faces: found.length, top: found.length === 1 ? first : null };
}

async function faceApi(seconds: number, mode: "live" | "back-to-back", backend: string): Promise<PhaseResult> {
  const used = await loadFaceApi(backend);
  const samples: Sample[] = [];
  const started = performance.now();
  if (mode === "back-to-back") {
    while (performance.now() - started < seconds * 1000) samples.push(await faceApiOnce());
  } else {
    // One frame in flight, a new camera frame each time: the coach's live loop, for face-api.
    await new Promise<void>((resolve) => {
      let busy = false;
      let fresh = false;
      const onFrame = () => {
        if (performance.now() - started >= seconds * 1000) return resolve();
        fresh = true;
        if (!busy) void run();
        video.requestVideoFrameCallback(onFrame);
      };
      const run = async () => {
        busy = true;
        while (fresh) {
          fresh = false;
          samples.push(await faceApiOnce());
        }
        busy = false;
      };
      video.requestVideoFrameCallback(onFrame);
    });
  }
  return { pipeline: "face-api", mode, backend: used, notes: [], seconds: (performance.now() - started) / 1000, samples };
}

function webgl(): string | null {
  const gl = document.createElement("canvas").getContext("webgl2") as WebGL2RenderingContext | null;
  if (!gl) return null;
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

const bench = {
  startCamera,
  mienLive,
  mienBackToBack,
  faceApi,
  faceApiDetectorOnly,
  environment: () => ({ userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, crossOriginIsolated, webgl: webgl() }),
};
window.bench = bench;
document.body.dataset.ready = "true";

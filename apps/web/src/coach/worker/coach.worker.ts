/// <reference lib="webworker" />
import * as tf from "@tensorflow/tfjs";

import { CanvasFramer, FaceDetector, WEBCAM_FACE_DETECTOR } from "@mien/model";

import { lastGoodModel, rememberGoodModel } from "../model-cache.ts";
import { loadCoachModel, packagedSources, type CoachModel } from "../model-source.ts";
import { chooseBackend } from "./backend-choice.ts";
import type { ActiveModelAnswer, FromWorker, PackagedUrls, ToWorker } from "./protocol.ts";

/**
 * The coach's inference worker: face detection, the shared crop and the expression model run
 * here, off the page's main thread. Frames arrive as transferred ImageBitmaps and are dropped
 * after use; nothing leaves this worker but box coordinates and class probabilities.
 */
declare const self: DedicatedWorkerGlobalScope;

/** Crops are cut at the size of the face-api family's input; other models resize in `preprocess`. */
const CROP_SIZE = 112;

let urls: PackagedUrls | null = null;
let detector: FaceDetector | null = null;
let current: CoachModel | null = null;
let framer: CanvasFramer | null = null;
let switching: Promise<void> = Promise.resolve();
/** Frames are read one after another, in order, even when the page sends the next one early. */
let reading: Promise<void> = Promise.resolve();
/** The promoted content hash last asked for (null: none promoted), so a poll repeating it is a no-op. */
let requested: string | null = null;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function init(message: Extract<ToWorker, { type: "init" }>): Promise<void> {
  urls = message.urls;
  const { active } = message;
  const offline = active === "unreachable";
  requested = active === "unreachable" ? null : (active?.contentHash ?? null);
  const backend = await chooseBackend(urls.wasm, message.backends);
  const sources = packagedSources(urls);
  const packaged = message.urls;
  const [loadedDetector, loaded] = await Promise.all([
    FaceDetector.load(sources.human, WEBCAM_FACE_DETECTOR),
    lastGoodModel().then((lastGood) => loadCoachModel(message.active, packaged, sources, lastGood)),
  ]);
  if (loaded.ref) void rememberGoodModel(loaded.ref);
  // Offline it runs what this device ran last; the registry naming that same version later changes nothing.
  if (offline && requested === null) requested = loaded.ref?.contentHash ?? null;
  detector = loadedDetector;
  current = loaded;
  framer = new CanvasFramer();
  // The first run compiles kernels; do it now rather than on the user's first frame.
  await warmUp();
  post({ type: "ready", backend: backend.name, backendNotes: backend.notes, model: loaded.info });
}

async function warmUp(): Promise<void> {
  const canvas = new OffscreenCanvas(640, 480);
  canvas.getContext("2d")!.fillRect(0, 0, 640, 480);
  const blank = canvas.transferToImageBitmap();
  const { input, box } = framer!.letterboxed(blank);
  await detector!.detectLetterboxed(input, box);
  const { preprocessing } = current!.model.manifest;
  const crops = framer!.crops(blank, [{ x: 220, y: 140, width: 200, height: 200 }], {
    size: CROP_SIZE,
    framing: preprocessing.faceBox,
    colour: preprocessing.colour,
  });
  const p = current!.model.predict(crops);
  await p.data();
  tf.dispose([input, crops, p]);
  blank.close();
}

function switchModel(active: ActiveModelAnswer): void {
  // No answer from the registry (offline): the model running now stays.
  if (active === "unreachable") return;
  const wanted = active?.contentHash ?? null;
  if (wanted === requested) return;
  requested = wanted;
  switching = switching
    .then(async () => {
      if (!urls) return;
      // A broken new version leaves the one running now (or the last good one) in place.
      const next = await loadCoachModel(active, urls, packagedSources(urls), current?.ref ?? (await lastGoodModel()));
      if (next.ref) void rememberGoodModel(next.ref);
      const previous = current;
      current = next;
      previous?.model.dispose();
      post({ type: "model-changed", model: next.info });
    })
    .catch((error: unknown) => console.warn(`Could not switch models: ${describe(error)}`));
}

async function read(id: number, bitmap: ImageBitmap): Promise<void> {
  const started = performance.now();
  if (!detector || !current || !framer) {
    bitmap.close();
    post({ type: "frame-error", id, message: "The models are still loading." });
    return;
  }
  const { model, info } = current;
  const { width: frameWidth, height: frameHeight } = bitmap;
  try {
    // The canvas draws the frame straight into the detector's input; the full frame never becomes a tensor.
    const { input, box } = framer.letterboxed(bitmap);
    const converted = performance.now();
    const faces = await detector.detectLetterboxed(input, box).finally(() => input.dispose());
    const detected = performance.now();
    let probabilities: number[] | null = null;
    // Mien reads one face: yours. With several faces in view it reads none.
    if (faces.length === 1) {
      const { preprocessing } = model.manifest;
      const crops = framer.crops(bitmap, [faces[0]!.box], { size: CROP_SIZE, framing: preprocessing.faceBox, colour: preprocessing.colour });
      const p = model.predict(crops);
      probabilities = Array.from(await p.data());
      tf.dispose([crops, p]);
    }
    const done = performance.now();
    post({
      type: "reading",
      id,
      frameWidth,
      frameHeight,
      faces: faces.map((f) => ({ box: f.box, score: f.score })),
      probabilities,
      modelKey: info.key,
      timings: { pixelsMs: converted - started, detectMs: detected - converted, classifyMs: done - detected, totalMs: done - started },
    });
  } finally {
    bitmap.close();
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case "init":
      init(message).catch((error: unknown) => post({ type: "fatal", message: `The coach could not start its models: ${describe(error)}` }));
      break;
    case "frame":
      reading = reading.then(() =>
        read(message.id, message.bitmap).catch((error: unknown) => post({ type: "frame-error", id: message.id, message: describe(error) })),
      );
      break;
    case "active-model":
      switchModel(message.active);
      break;
  }
};

// `pnpm bench:domain`: how models read real photos the way the coach reads a webcam frame:
// BlazeFace finds the face, the crop is cut with each model's own face box, and the model reads it.
// The photos are a pinned sample of the facial_expressions corpus (../shared/data), not FER2013,
// so this measures the gap between FER2013 val and the photos users look like. The corpus labels
// are noisy (crowd-sourced), so absolute figures understate both models; compare them side by side.
//
//   pnpm bench:domain [--model DIR]... [--per-class N]
//
// Prints one JSON object: per model, accuracy, balanced accuracy, macro-F1, the share the coach
// would call "unclear" (top probability below the model's abstain threshold), and per-class recall.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { legendLabels } from "@mien/dataset";
import { cropFaces, evaluationReport, FaceDetector, normalizeLabel, pixelsToBatch, WEBCAM_FACE_DETECTOR, type ExpressionClass } from "@mien/model";
import { decodeImageBytes, loadExpressionModelFromDir, nodeModelSources, selectNodeBackend } from "@mien/model/node";

import { FER } from "../src/testing/index.ts";

const REPO = resolve(import.meta.dirname, "..", "..", "..");
const CORPUS = resolve(FER, "..", "facial-expressions");
const { values } = parseArgs({ options: { model: { type: "string", multiple: true }, "per-class": { type: "string" } } });
const modelDirs = (values.model?.length ? values.model : ["models/default", "models/fer7-ensemble", "models/fer7-ensemble-v2"]).map((m) => resolve(REPO, m));
const perClass = Number(values["per-class"] ?? 150);
if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`--per-class must be a positive whole number; got ${values["per-class"]}.`);
/** The coach's crop side (the face-api family's input; other models resize in their own preprocessing). */
const CROP_SIZE = 112;

// ---- the pinned sample: files with one consistent label, the first N per class by the hash of their name
const labelOf = await legendLabels(join(CORPUS, "legend.csv"), normalizeLabel);
const byClass = new Map<ExpressionClass, { image: string; hash: string }[]>();
for (const [image, label] of labelOf) {
  if (!label) continue;
  const names = byClass.get(label) ?? [];
  names.push({ image, hash: createHash("sha256").update(image).digest("hex") });
  byClass.set(label, names);
}
const sample = [...byClass].flatMap(([label, names]) =>
  names
    .sort((a, b) => (a.hash < b.hash ? -1 : 1))
    .slice(0, perClass)
    .map(({ image }) => ({ image, label })),
);

// ---- the coach's detector, once per photo; photos it finds no single face in are counted and left out
const backend = await selectNodeBackend({ log: () => {} });
const sources = nodeModelSources();
const detector = await FaceDetector.load(sources.human, WEBCAM_FACE_DETECTOR);
const found: Array<{ image: string; label: ExpressionClass; frame: tf.Tensor3D; box: { x: number; y: number; width: number; height: number } }> = [];
let noFace = 0;
for (const { image, label } of sample) {
  const pixels = await decodeImageBytes(await readFile(join(CORPUS, "images", image)), image);
  // [h, w, 3] 0..255, grey photos repeated over three channels, as a camera frame would be.
  const frame = tf.tidy(() => tf.squeeze(pixelsToBatch([pixels]), [0]) as tf.Tensor3D);
  const faces = await detector.detect(frame, { maxFaces: 2 });
  if (faces.length !== 1) {
    noFace++;
    frame.dispose();
    continue;
  }
  found.push({ image, label, frame, box: faces[0]!.box });
}
detector.dispose();

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const results: Record<string, unknown> = {};
for (const dir of modelDirs) {
  const model = await loadExpressionModelFromDir(dir);
  const classes = model.classes;
  const rows = found.filter((f) => classes.includes(f.label));
  const k = classes.length;
  const probs = new Float32Array(rows.length * k);
  const started = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const p = tf.tidy(() =>
      model.predict(
        cropFaces(rows[i]!.frame, [rows[i]!.box], {
          size: CROP_SIZE,
          framing: model.manifest.preprocessing.faceBox,
          colour: model.manifest.preprocessing.colour,
        }),
      ),
    );
    probs.set((await p.data()) as Float32Array, i * k);
    p.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const labels = Int32Array.from(rows, (r) => classes.indexOf(r.label));
  const threshold = model.manifest.calibration.abstainThreshold;
  const report = evaluationReport(probs, labels, classes, { abstainThreshold: threshold });
  // Keyed by name, or by folder when two versions share a name (a version refitted under another TTA).
  results[model.manifest.name in results ? dir : model.manifest.name] = {
    model: dir,
    fer2013_val_accuracy: model.manifest.metrics.val?.accuracy,
    images: rows.length,
    accuracy: report.accuracy,
    balanced_accuracy: report.balancedAccuracy,
    macro_f1: report.macroF1,
    top2: report.top2,
    unclear_share: round(1 - report.coverage!),
    accuracy_when_named: report.accuracyWhenConfident,
    abstain_threshold: threshold,
    recall: Object.fromEntries(classes.map((c) => [c, report.perClass[c]?.recall])),
    crops_per_second: round(rows.length / seconds),
  };
  model.dispose();
}
tf.dispose(found.map((f) => f.frame));
console.log(
  JSON.stringify(
    { bench: "domain", data: CORPUS, per_class: perClass, sampled: sample.length, no_single_face: noFace, backend: backend.name, results },
    null,
    2,
  ),
);

// `pnpm bench:accuracy`: the shipped default model against the two zero-shot peers on FER2013 val,
// side by side in one run, as one JSON object. `--limit N` keeps every k-th image (quick check).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import {
  classifyCanonical,
  evaluationReport,
  EXPRESSION_CLASSES,
  FACE_API_EXPRESSION_PEER_PROVENANCE,
  HUMAN_EMOTION_PROVENANCE,
  loadZeroShot,
  pixelsToBatch,
  type ExpressionClass,
  type ZeroShotId,
} from "@mien/model";
import { decodeImageBytes, listClassFolder, loadExpressionModelFromDir, nodeModelSources, predictImages, selectNodeBackend } from "@mien/model/node";

import { FER } from "../src/testing/index.ts";

const REPO = resolve(import.meta.dirname, "..", "..", "..");
const { values } = parseArgs({ options: { model: { type: "string" }, data: { type: "string" }, limit: { type: "string" } } });
const modelDir = resolve(REPO, values.model ?? "models/default");
const dataDir = values.data ? resolve(values.data) : resolve(FER, "val");

const backend = await selectNodeBackend({ log: () => {} });
let files = await listClassFolder(dataDir);
if (values.limit) {
  const step = Math.max(1, Math.floor(files.length / Number(values.limit)));
  files = files.filter((_, i) => i % step === 0);
}
const present = new Set(files.map((f) => f.label));
const classes = EXPRESSION_CLASSES.filter((c) => present.has(c));
const labels = Int32Array.from(files.map((f) => classes.indexOf(f.label)));
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Metrics over the data's classes; a model's probabilities for other classes are dropped, as the coach would never show them for this data. */
function summary(probs: Float32Array, modelClasses: readonly ExpressionClass[], seconds: number) {
  const k = classes.length;
  const mk = modelClasses.length;
  const narrowed = new Float32Array(files.length * k);
  for (let i = 0; i < files.length; i++) {
    let sum = 0;
    classes.forEach((c, j) => {
      const col = modelClasses.indexOf(c);
      const p = col < 0 ? 0 : probs[i * mk + col]!;
      narrowed[i * k + j] = p;
      sum += p;
    });
    for (let j = 0; j < k; j++) narrowed[i * k + j] = sum > 0 ? narrowed[i * k + j]! / sum : 1 / k;
  }
  const r = evaluationReport(narrowed, labels, classes);
  return {
    accuracy: r.accuracy,
    balanced_accuracy: r.balancedAccuracy,
    macro_f1: r.macroF1,
    top2: r.top2,
    ece: r.ece,
    images_per_second: round(files.length / seconds),
  };
}

const results: Record<string, unknown> = {};
{
  const started = performance.now();
  const model = await loadExpressionModelFromDir(modelDir);
  const probs = await predictImages(
    model,
    files.map((f) => f.path),
    (p) => readFile(p),
  );
  results.default = {
    model: modelDir,
    name: model.manifest.name,
    tta: model.manifest.preprocessing.tta,
    temperature: model.manifest.calibration.temperature,
    ...summary(probs, model.classes, (performance.now() - started) / 1000),
  };
  model.dispose();
}
for (const id of ["faceapi-expression", "human-emotion"] as ZeroShotId[]) {
  const started = performance.now();
  const peer = await loadZeroShot(id, nodeModelSources());
  const probs = new Float32Array(files.length * EXPRESSION_CLASSES.length);
  for (let i = 0; i < files.length; i += 64) {
    const batch = await Promise.all(files.slice(i, i + 64).map(async (f) => decodeImageBytes(await readFile(f.path), f.path)));
    const p = tf.tidy(() => classifyCanonical(peer, pixelsToBatch(batch)));
    probs.set((await p.data()) as Float32Array, i * EXPRESSION_CLASSES.length);
    p.dispose();
  }
  results[`zero-shot ${id}`] = {
    provenance: id === "human-emotion" ? HUMAN_EMOTION_PROVENANCE : FACE_API_EXPRESSION_PEER_PROVENANCE,
    ...summary(probs, EXPRESSION_CLASSES, (performance.now() - started) / 1000),
  };
  peer.dispose();
}
console.log(JSON.stringify({ bench: "accuracy", data: dataDir, n: files.length, classes, backend: backend.name, results }, null, 2));

/**
 * Trains dense heads on cached embeddings and reports val accuracy, macro-F1 and ECE (before and
 * after temperature scaling) per feature set, plus the zero-shot peers. Usage:
 *   pnpm --filter @mien/model research:head-study --sets "faceapi-expression;faceres-112;faceapi-expression+faceres-112" \
 *     --heads logreg,mlp [--class-weights no,yes] [--flip-aug yes] [--zero-shot yes]
 * Early stopping uses a stratified 10% holdout of train (never val); val is only evaluated, and
 * is where temperatures are fitted ("valFit", optimistic) or cross-fitted over two val halves.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { decodeAll } from "../scripts/lib/class-folders.ts";
import { ML_CACHE, runMain } from "../scripts/lib/paths.ts";
import { classifyCanonical, loadZeroShot, ZERO_SHOT_IDS } from "../src/backbones/index.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { EXPRESSION_CLASSES, type ExpressionClass } from "../src/classes.ts";
import { fitStandardizer, LOGISTIC_HEAD, MLP_HEAD, predictHead, standardize, trainHead, type HeadConfig } from "../src/head.ts";
import { fitTemperature, logProbs, report, softmaxWithTemperature, type ClassificationReport } from "../src/metrics.ts";
import { nodeModelSources } from "../src/model-files.node.ts";
import { pixelsToBatch } from "../src/preprocess.ts";
import { rng } from "../src/training/random.ts";
import { cacheFile, readEmbeddings, readIndex, type DatasetIndex } from "./lib/embedding-cache.node.ts";

const { values } = parseArgs({
  options: {
    train: { type: "string", default: "fer2013/train" },
    val: { type: "string", default: "fer2013/val" },
    sets: { type: "string", default: "faceapi-expression" },
    heads: { type: "string", default: "logreg,mlp" },
    "class-weights": { type: "string", default: "no" },
    "flip-aug": { type: "string", default: "yes" },
    "zero-shot": { type: "string", default: "yes" },
    hidden: { type: "string" },
    dropout: { type: "string" },
    l2: { type: "string" },
    holdout: { type: "string", default: "0.1" },
    seed: { type: "string", default: "1" },
    cache: { type: "string", default: ML_CACHE },
    out: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});

const cacheRoot = values.cache!;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function summarize(r: ClassificationReport) {
  return { acc: round(r.accuracy), macroF1: round(r.macroF1), nll: round(r.nll), ece: round(r.ece) };
}

/** Stratified split of row indices: `fraction` of each class goes to the second list. */
function stratifiedSplit(labels: Int32Array, fraction: number, seed: number): [number[], number[]] {
  const random = rng(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((y, i) => byClass.set(y, [...(byClass.get(y) ?? []), i]));
  const keep: number[] = [];
  const held: number[] = [];
  for (const rows of byClass.values()) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const h = Math.round(rows.length * fraction);
    held.push(...rows.slice(0, h));
    keep.push(...rows.slice(h));
  }
  return [keep.sort((a, b) => a - b), held.sort((a, b) => a - b)];
}

function takeRows(data: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(data.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

const featureCache = new Map<string, Float32Array>();
const dims = new Map<string, number>();

/** Column-concatenation of several backbones' cached embeddings. */
async function features(dataset: string, backbones: string[], flip: boolean): Promise<{ data: Float32Array; dim: number; index: DatasetIndex }> {
  const parts: Array<{ data: Float32Array; dim: number }> = [];
  let index: DatasetIndex | null = null;
  for (const b of backbones) {
    const key = `${dataset}|${b}|${flip}`;
    if (!featureCache.has(key)) {
      const e = await readEmbeddings(cacheRoot, dataset, b, flip);
      featureCache.set(key, e.data);
      dims.set(b, e.meta.dim);
      index = e.index;
    }
    parts.push({ data: featureCache.get(key)!, dim: dims.get(b)! });
  }
  index ??= await readIndex(cacheRoot, dataset);
  if (!index) throw new Error(`No index for ${dataset}.`);
  const n = index.paths.length;
  const dim = parts.reduce((a, p) => a + p.dim, 0);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let o = i * dim;
    for (const p of parts) {
      out.set(p.data.subarray(i * p.dim, (i + 1) * p.dim), o);
      o += p.dim;
    }
  }
  return { data: out, dim, index };
}

function hasFlip(dataset: string, backbones: string[]): boolean {
  return backbones.every((b) => existsSync(cacheFile(cacheRoot, dataset, b, true, "json")));
}

/** Fits T on one half of val and applies it to the other, both ways: an unbiased post-TS ECE. */
function crossFittedProbs(logits: Float32Array, labels: Int32Array, k: number, seed: number): Float32Array {
  const [a, b] = stratifiedSplit(labels, 0.5, seed + 7);
  const out = new Float32Array(logits.length);
  for (const [fitRows, applyRows] of [
    [a, b],
    [b, a],
  ] as const) {
    const t = fitTemperature(
      takeRows(logits, k, fitRows),
      Int32Array.from(fitRows, (r) => labels[r]!),
      k,
    );
    const p = softmaxWithTemperature(takeRows(logits, k, applyRows), k, t);
    applyRows.forEach((r, i) => out.set(p.subarray(i * k, (i + 1) * k), r * k));
  }
  return out;
}

function calibrationBlock(probs: Float32Array, labels: Int32Array, k: number, seed: number) {
  const logits = logProbs(probs);
  const t = fitTemperature(logits, labels, k);
  return {
    ...summarize(report(probs, labels, k)),
    temperature: round(t, 3),
    eceTsValFit: round(report(softmaxWithTemperature(logits, k, t), labels, k).ece),
    eceTsCrossFit: round(report(crossFittedProbs(logits, labels, k, seed), labels, k).ece),
  };
}

async function zeroShot(valIndex: DatasetIndex, classes: ExpressionClass[]) {
  const images = await decodeAll(
    valIndex.root,
    valIndex.paths.map((path, i) => ({ path, label: valIndex.labels[i]! })),
  );
  const labels = Int32Array.from(valIndex.labels, (l) => classes.indexOf(l));
  const columns = classes.map((c) => EXPRESSION_CLASSES.indexOf(c));
  const sources = nodeModelSources();
  const rows: Record<string, unknown> = {};
  for (const id of ZERO_SHOT_IDS) {
    const model = await loadZeroShot(id, sources);
    const probsFor = async (flip: boolean) => {
      const out = new Float32Array(images.length * classes.length);
      for (let i = 0; i < images.length; i += 64) {
        const batch = images.slice(i, i + 64);
        const p = tf.tidy(() => tf.gather(classifyCanonical(model, pixelsToBatch(batch), { flip }), columns, 1));
        out.set((await p.data()) as Float32Array, i * classes.length);
        p.dispose();
      }
      return out;
    };
    const plain = await probsFor(false);
    const flipped = await probsFor(true);
    const tta = plain.map((v, i) => (v + flipped[i]!) / 2);
    rows[id] = {
      note: id === "human-emotion" ? "peer only: may have been trained on all FER2013 splits, val included" : "zero-shot, no FER2013 training by us",
      val: calibrationBlock(plain, labels, classes.length, 1),
      valTTA: calibrationBlock(tta, labels, classes.length, 1),
    };
    console.error(
      `zero-shot ${id}: acc ${report(plain, labels, classes.length).accuracy.toFixed(4)} (TTA ${report(tta, labels, classes.length).accuracy.toFixed(4)})`,
    );
    model.dispose();
  }
  return rows;
}

runMain(async () => {
  const backend = await selectNodeBackend();
  const seed = Number(values.seed);
  const trainIndex = await readIndex(cacheRoot, values.train!);
  const valIndex = await readIndex(cacheRoot, values.val!);
  if (!trainIndex || !valIndex) throw new Error(`Missing ${values.train} or ${values.val} in ${cacheRoot}; run extract-embeddings first.`);
  const classes = EXPRESSION_CLASSES.filter((c) => trainIndex.labels.includes(c));
  const k = classes.length;
  const yTrainAll = Int32Array.from(trainIndex.labels, (l) => classes.indexOf(l));
  const yVal = Int32Array.from(valIndex.labels, (l) => classes.indexOf(l));
  const [trainRows, holdRows] = stratifiedSplit(yTrainAll, Number(values.holdout), seed);

  const heads: Record<string, HeadConfig> = { logreg: LOGISTIC_HEAD, mlp: MLP_HEAD };
  const overrides: Partial<HeadConfig> = {
    ...(values.hidden ? { hidden: values.hidden.split("x").map(Number) } : {}),
    ...(values.dropout ? { dropout: Number(values.dropout) } : {}),
    ...(values.l2 ? { l2: Number(values.l2) } : {}),
  };
  const results: unknown[] = [];
  for (const set of values
    .sets!.split(";")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const backbones = set.split("+");
    const flipAug = values["flip-aug"] === "yes" && hasFlip(values.train!, backbones);
    const tta = hasFlip(values.val!, backbones);
    const train = await features(values.train!, backbones, false);
    const trainFlip = flipAug ? await features(values.train!, backbones, true) : null;
    const val = await features(values.val!, backbones, false);
    const valFlip = tta ? await features(values.val!, backbones, true) : null;
    const dim = train.dim;
    // Flip copies of holdout images stay out of training.
    let xTrain = takeRows(train.data, dim, trainRows);
    let yTrain = Int32Array.from(trainRows, (r) => yTrainAll[r]!);
    if (trainFlip) {
      const xf = takeRows(trainFlip.data, dim, trainRows);
      const both = new Float32Array(xTrain.length * 2);
      both.set(xTrain);
      both.set(xf, xTrain.length);
      xTrain = both;
      yTrain = Int32Array.from([...yTrain, ...yTrain]);
    }
    const stdz = fitStandardizer(xTrain, dim);
    const xTrainS = standardize(xTrain, stdz);
    const xHold = standardize(takeRows(train.data, dim, holdRows), stdz);
    const yHold = Int32Array.from(holdRows, (r) => yTrainAll[r]!);
    const xVal = standardize(val.data, stdz);
    const xValFlip = valFlip ? standardize(valFlip.data, stdz) : null;

    for (const headName of values.heads!.split(",")) {
      const base = heads[headName];
      if (!base) throw new Error(`Unknown head "${headName}"; use logreg or mlp.`);
      for (const cw of values["class-weights"]!.split(",")) {
        const config: HeadConfig = { ...base, ...(headName === "mlp" ? overrides : { l2: overrides.l2 ?? base.l2 }), classWeights: cw === "yes", seed };
        console.error(`== ${set} ${headName} classWeights=${cw} dim=${dim} train=${yTrain.length}${flipAug ? " (with flips)" : ""}`);
        const trained = await trainHead({ x: xTrainS, y: yTrain }, { x: xHold, y: yHold }, dim, k, config, values.verbose ? console.error : () => {});
        const pVal = await predictHead(trained.model, xVal, dim);
        const row: Record<string, unknown> = {
          features: set,
          head: headName,
          hidden: config.hidden,
          classWeights: config.classWeights,
          flipAug,
          dim,
          epochs: trained.epochsRun,
          bestEpoch: trained.bestEpoch,
          trainSeconds: Math.round(trained.seconds),
          val: calibrationBlock(pVal, yVal, k, seed),
        };
        if (xValFlip) {
          const pFlip = await predictHead(trained.model, xValFlip, dim);
          row.valTTA = calibrationBlock(
            pVal.map((v, i) => (v + pFlip[i]!) / 2),
            yVal,
            k,
            seed,
          );
        }
        trained.model.dispose();
        console.error(JSON.stringify(row));
        results.push(row);
      }
    }
  }
  const zero = values["zero-shot"] === "yes" ? await zeroShot(valIndex, classes) : undefined;
  const out = { backend: backend.name, train: values.train, val: values.val, classes, holdout: Number(values.holdout), results, zeroShot: zero };
  const json = JSON.stringify(out, null, 2);
  console.log(json);
  const file = values.out ?? join(cacheRoot, "study", `head-study-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, json);
  console.error(`wrote ${file}`);
});

// Tuning aid for the mislabel flag (the measurements in src/thresholds.ts): reads cached embeddings
// (pnpm --filter @mien/model research:extract --data fer2013/train --stride 8 --name fer2013/train-s8 --flip both),
// plants label noise, computes out-of-fold probabilities in several ways and prints, per rule
// and ranking, the scores of bench/mislabel-metrics.ts. Usage:
//   tsx packages/screening/bench/mislabel-study.ts --cache /tmp/mlc --data fer2013/train-s8
// The reference-model mixes (variants ref, refoof, avg3, avg3w) read --reference, written by
// bench/reference-probs.ts for the same dataset.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { EXPRESSION_CLASSES, FACE_API_EXPRESSION_LABELS, fitTemperature, loadBackbone, softmaxWithTemperature, type FaceApiExpressionNet } from "@mien/model";
import { nodeModelSources, selectNodeBackend } from "@mien/model/node";

import { readEmbeddings } from "../../model/research/lib/embedding-cache.node.ts";
import { outOfFoldProbabilities } from "../src/mislabel.ts";
import { MISLABEL_MIX } from "../src/thresholds.ts";
import { mislabelScores } from "./mislabel-metrics.ts";
import { applyRule, RANKINGS, RULES } from "./mislabel-rules.ts";
import { plantLabelNoise, settingName, type NoiseSetting } from "./plant/label-noise.ts";

const { values } = parseArgs({
  options: {
    cache: { type: "string", default: "/tmp/mlc" },
    data: { type: "string", default: "fer2013/train-s8" },
    backbones: { type: "string", default: "faceapi-expression" },
    settings: { type: "string", default: "clean,uniform-15,uniform-30,pairs-20" },
    variants: { type: "string", default: "plain,flip" },
    seed: { type: "string", default: "14" },
    /** A folder to write each setting's probabilities to (JSON). */
    dump: { type: "string" },
    /** A reference model's probabilities for the same rows (JSON array, n × 8, canonical classes). */
    reference: { type: "string" },
  },
});
await selectNodeBackend({ log: () => {} });
const k = EXPRESSION_CLASSES.length;
const backbones = values.backbones!.split(",");
async function features(flip: boolean) {
  const parts = await Promise.all(backbones.map((b) => readEmbeddings(values.cache!, values.data!, b, flip)));
  const n = parts[0]!.meta.count;
  const dim = parts.reduce((s, p) => s + p.meta.dim, 0);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (const p of parts) {
      x.set(p.data.subarray(i * p.meta.dim, (i + 1) * p.meta.dim), i * dim + off);
      off += p.meta.dim;
    }
  }
  return { x, dim, n, index: parts[0]!.index };
}
const plain = await features(false);
const flipped = await features(true);
const net = (await loadBackbone("faceapi-expression", nodeModelSources())) as unknown as FaceApiExpressionNet;
/** Zero-shot log-probabilities in canonical order (contempt, which face-api lacks, at log 1e-6). */
async function zeroShot(x: Float32Array, n: number): Promise<Float32Array> {
  const p = net.classifyEmbeddings(tf.tensor2d(x.subarray(0, n * 256), [n, 256]));
  const d = (await p.data()) as Float32Array;
  p.dispose();
  const out = new Float32Array(n * k);
  const col = EXPRESSION_CLASSES.map((c) => FACE_API_EXPRESSION_LABELS.indexOf(c));
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = Math.log(col[j]! < 0 ? 1e-6 : Math.max(1e-6, d[i * 7 + col[j]!]!));
  return out;
}
const zsPlain = await zeroShot(plain.x, plain.n);
const zsFlip = flipped ? await zeroShot(flipped.x, plain.n) : zsPlain;
const zsLog = zsPlain.map((v, i) => (v + zsFlip[i]!) / 2);
const logOf = (p: Float32Array) => p.map((v) => Math.log(Math.max(v, 1e-6)));
/** Embeddings with the 7 zero-shot log-probabilities appended. */
function withZs(x: Float32Array, zs: Float32Array, dim: number, n: number): Float32Array {
  const out = new Float32Array(n * (dim + 7));
  const cols = EXPRESSION_CLASSES.map((c, j) => (c === "contempt" ? -1 : j)).filter((j) => j >= 0);
  for (let i = 0; i < n; i++) {
    out.set(x.subarray(i * dim, (i + 1) * dim), i * (dim + 7));
    cols.forEach((j, c) => (out[i * (dim + 7) + dim + c] = zs[i * k + j]!));
  }
  return out;
}
const refLog = values.reference ? Float32Array.from(JSON.parse(readFileSync(values.reference, "utf8")) as number[], (v) => Math.log(Math.max(v, 1e-6))) : null;
const truth = Int32Array.from(plain.index.labels, (l) => EXPRESSION_CLASSES.indexOf(l));
const settings: NoiseSetting[] = values
  .settings!.split(",")
  .map((s) => (s === "clean" ? { kind: "uniform", rate: 0 } : { kind: s.split("-")[0] as "uniform", rate: Number(s.split("-")[1]) / 100 }));
for (const setting of settings) {
  const { labels, flipped: flips } = plantLabelNoise(truth, EXPRESSION_CLASSES, setting, Number(values.seed));
  const oof: Record<string, Float32Array> = {};
  for (const variant of values.variants!.split(",")) {
    const t0 = performance.now();
    const zsT = fitTemperature(zsLog, labels, k);
    const zsProbs = softmaxWithTemperature(zsLog, k, zsT);
    let probs: Float32Array;
    if (variant === "zs") probs = zsProbs;
    else if (variant === "stack")
      probs = await outOfFoldProbabilities(withZs(plain.x, zsPlain, plain.dim, plain.n), labels, plain.dim + 7, k, {
        mirrored: withZs(flipped!.x, zsFlip, plain.dim, plain.n),
      });
    else {
      const key = variant === "plain" ? "plain" : "flip";
      oof[key] ??= await outOfFoldProbabilities(plain.x, labels, plain.dim, k, key === "flip" ? { mirrored: flipped!.x } : {});
      probs = oof[key]!;
      if (variant === "poe") {
        const lp = logOf(probs);
        const lz = logOf(zsProbs);
        probs = softmaxWithTemperature(
          lp.map((v, i) => v + lz[i]!),
          k,
          1,
        );
      }
      if (variant === "avg") probs = probs.map((v, i) => (v + zsProbs[i]!) / 2);
      if (variant.startsWith("ref") || variant.startsWith("avg3")) {
        const refT = fitTemperature(refLog!, labels, k);
        const ref = softmaxWithTemperature(refLog!, k, refT);
        console.log(`  reference temperature ${refT.toFixed(2)}`);
        const base = probs;
        if (variant === "ref") probs = ref;
        if (variant === "refoof") probs = base.map((v, i) => (v + ref[i]!) / 2);
        if (variant === "avg3") probs = base.map((v, i) => (v + zsProbs[i]! + ref[i]!) / 3);
        // The shipped shares (the out-of-fold model gets what the other two leave).
        const own = 1 - MISLABEL_MIX.zeroShot - MISLABEL_MIX.reference;
        if (variant === "avg3w") probs = base.map((v, i) => own * v + MISLABEL_MIX.zeroShot * zsProbs[i]! + MISLABEL_MIX.reference * ref[i]!);
      }
    }
    console.log(`  zero-shot temperature ${zsT.toFixed(2)}`);
    // Kept so rules can be compared again without recomputing the folds.
    if (values.dump)
      writeFileSync(
        `${values.dump}/study-probs-${values.data!.replace(/\W/g, "_")}-${settingName(setting)}-${variant}.json`,
        JSON.stringify({ probs: Array.from(probs), labels: Array.from(labels), truth: Array.from(truth), flipped: [...flips] }),
      );
    const secs = (performance.now() - t0) / 1000;
    let acc = 0;
    for (let i = 0; i < truth.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + best]!) best = j;
      if (best === truth[i]) acc++;
    }
    console.log(
      `# ${settingName(setting)} ${variant} flips ${flips.size}/${truth.length} oof-acc-vs-truth ${(acc / truth.length).toFixed(3)} ${secs.toFixed(1)} s`,
    );
    for (const rule of Object.keys(RULES)) {
      const r = applyRule(rule as keyof typeof RULES, probs, labels, k);
      const line: string[] = [];
      for (const ranking of Object.keys(RANKINGS)) {
        const score = RANKINGS[ranking as keyof typeof RANKINGS](probs, labels, k);
        const m = mislabelScores({ flipped: flips, flagged: r.issue, score, suggested: r.suggested, truth });
        if (ranking === "selfConfidence") line.push(`flag ${m.flagRate} P ${m.precision} R ${m.recall} F1 ${m.f1} sugg ${m.suggestedAccuracy}`);
        line.push(`${ranking}: auc ${m.auroc} p@k ${m.precisionAtFlips}`);
      }
      console.log(`${rule.padEnd(14)} ${line.join(" | ")}`);
    }
  }
}

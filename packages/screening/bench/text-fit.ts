// Fits the text model (src/text-model.json, read by src/text-evidence.ts) on readings dumped by
// text-study.ts and checks it on others. Every proposed line of a plain photo is "not text"; each
// captioned photo gives one "text" line, which line not being known: first the one with the most
// letters read (both strips plus agreement), then, after a first fit, the line the model finds most
// text-like (multiple-instance learning, two rounds). The model is one hidden tanh layer and a
// logistic output, class-balanced cross-entropy with a little L2, full-batch Adam from a fixed seed,
// so a refit on the same dumps gives the same weights. A photo scores its best line. Prints the
// threshold that flags `--ff` of the training plain photos and, per dump, recall, false flags and
// recall per caption kind at that threshold. Usage:
//   tsx packages/screening/bench/text-fit.ts --train a.json,b.json --test c.json [--ff 0.005] [--out src/text-model.json]
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { format, resolveConfig } from "prettier";

import { FEATURES, proposalFeatures, proposalScore, type OcrWord, type ProposalFeatures, type ProposedLine, type TextModel } from "../src/text-evidence.ts";
import { Random } from "./plant/random.ts";

const { values } = parseArgs({
  options: {
    train: { type: "string" },
    test: { type: "string", default: "" },
    ff: { type: "string", default: "0.005" },
    /** Report at this threshold instead of the one --ff picks. */
    threshold: { type: "string" },
    hidden: { type: "string", default: "16" },
    l2: { type: "string", default: "0.001" },
    epochs: { type: "string", default: "400" },
    seed: { type: "string", default: "1" },
    /** Write the fitted model here (with how it was fitted). */
    out: { type: "string" },
    /** Print the highest-scoring plain photos of each test dump, and its misses. */
    show: { type: "string", default: "0" },
  },
});
if (!values.train) throw new Error("--train needs at least one text-study dump (text-study.ts --dump, read with --read-again always).");

interface Reading {
  file: string;
  kind: string;
  note?: string;
  words: OcrWord[];
  lines: ProposedLine[];
}
type Example = { file: string; kind: string; note: string; text: boolean; proposals: Array<{ features: ProposalFeatures; x: Float64Array; words: string }> };

const load = (path: string): Example[] =>
  (JSON.parse(readFileSync(path, "utf8")) as Reading[]).map((r) => {
    if (r.lines.some((l) => l.frameWidth === undefined))
      throw new Error(`${path} was dumped before lines carried their place in the frame; dump it again with text-study.ts.`);
    return {
      file: r.file,
      kind: r.kind,
      note: r.note ?? "",
      text: r.kind !== "plain photo",
      proposals: proposalFeatures(r.words, r.lines).map((p) => ({
        features: p.features,
        x: Float64Array.from(FEATURES, (n) => p.features[n]),
        words: p.words.join(" "),
      })),
    };
  });

const trainPaths = values.train.split(",");
const trainSets = trainPaths.map(load);
const testPaths = values.test!.split(",").filter(Boolean);
const H = Number(values.hidden);
const L2 = Number(values.l2);
const D = FEATURES.length;

// ---- the network, as flat arrays: kernel1 [D][H], bias1 [H], kernel2 [H], bias2
const rng = new Random(Number(values.seed));
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const params = {
  k1: Float64Array.from({ length: D * H }, () => gauss() / Math.sqrt(D)),
  b1: new Float64Array(H),
  k2: Float64Array.from({ length: H }, () => gauss() / Math.sqrt(H)),
  b2: new Float64Array(1),
};
const toModel = (): TextModel => ({
  features: FEATURES,
  hidden: { kernel: FEATURES.map((_, i) => Array.from(params.k1.subarray(i * H, (i + 1) * H), round6)), bias: Array.from(params.b1, round6) },
  output: { kernel: Array.from(params.k2, round6), bias: round6(params.b2[0]!) },
});
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
const logit = (x: Float64Array, hiddenOut?: Float64Array) => {
  let z = params.b2[0]!;
  for (let h = 0; h < H; h++) {
    let a = params.b1[h]!;
    for (let i = 0; i < D; i++) a += x[i]! * params.k1[i * H + h]!;
    const t = Math.tanh(a);
    if (hiddenOut) hiddenOut[h] = t;
    z += t * params.k2[h]!;
  }
  return z;
};

/** One round: full-batch Adam on the chosen instances, class-balanced. */
function train(instances: Array<{ x: Float64Array; y: number }>, epochs: number, state: { t: number; m: Float64Array[]; v: Float64Array[] }) {
  const positives = instances.filter((i) => i.y).length;
  const negatives = instances.length - positives;
  const list = [params.k1, params.b1, params.k2, params.b2];
  const hiddenOut = new Float64Array(H);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grads = list.map((p) => new Float64Array(p.length));
    const [gk1, gb1, gk2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (const { x, y } of instances) {
      const p = 1 / (1 + Math.exp(-logit(x, hiddenOut)));
      const g = (p - y) * (y ? 0.5 / positives : 0.5 / negatives);
      gb2[0]! += g;
      for (let h = 0; h < H; h++) {
        gk2[h]! += g * hiddenOut[h]!;
        const gh = g * params.k2[h]! * (1 - hiddenOut[h]! ** 2);
        gb1[h]! += gh;
        for (let i = 0; i < D; i++) gk1[i * H + h]! += gh * x[i]!;
      }
    }
    for (let h = 0; h < H; h++) gk2[h]! += L2 * params.k2[h]!;
    for (let j = 0; j < gk1.length; j++) gk1[j]! += L2 * params.k1[j]!;
    state.t++;
    list.forEach((p, k) => {
      const m = state.m[k]!;
      const v = state.v[k]!;
      const g = grads[k]!;
      for (let j = 0; j < p.length; j++) {
        m[j] = 0.9 * m[j]! + 0.1 * g[j]!;
        v[j] = 0.999 * v[j]! + 0.001 * g[j]! ** 2;
        p[j]! -= (0.01 * (m[j]! / (1 - 0.9 ** state.t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** state.t)) + 1e-8);
      }
    });
  }
}

const evidenceOf = (x: Float64Array) => x[FEATURES.indexOf("strongStrip")]! + x[FEATURES.indexOf("weakStrip")]! + x[FEATURES.indexOf("agreement")]!;
const adam = {
  t: 0,
  m: [params.k1, params.b1, params.k2, params.b2].map((p) => new Float64Array(p.length)),
  v: [params.k1, params.b1, params.k2, params.b2].map((p) => new Float64Array(p.length)),
};
let counts = { positives: 0, negatives: 0 };
for (let round = 0; round < 2; round++) {
  const instances: Array<{ x: Float64Array; y: number }> = [];
  for (const r of trainSets.flat()) {
    if (!r.proposals.length) continue;
    if (r.text) {
      const pick = (x: Float64Array) => (round === 0 ? evidenceOf(x) : logit(x));
      const best = r.proposals.reduce((a, b) => (pick(b.x) > pick(a.x) ? b : a));
      instances.push({ x: best.x, y: 1 });
    } else for (const p of r.proposals) instances.push({ x: p.x, y: 0 });
  }
  counts = { positives: instances.filter((i) => i.y).length, negatives: instances.filter((i) => !i.y).length };
  train(instances, Number(values.epochs), adam);
}

const model = toModel();
const score = (r: Example) => Math.max(0, ...r.proposals.map((p) => Math.round(proposalScore(p.features, model) * 1000) / 1000));
const plainScores = trainSets
  .flat()
  .filter((r) => !r.text)
  .map(score)
  .sort((a, b) => b - a);
const threshold = values.threshold
  ? Number(values.threshold)
  : Math.round((plainScores[Math.floor(plainScores.length * Number(values.ff))]! + 0.001) * 1000) / 1000;
const report = (path: string, set: Example[], role: string) => {
  const captions = set.filter((r) => r.text);
  const kinds: Record<string, number> = {};
  for (const r of captions) kinds[r.kind] = (kinds[r.kind] ?? 0) + (score(r) >= threshold ? 1 : 0);
  return {
    dump: path,
    role,
    recall: Math.round((1000 * captions.filter((r) => score(r) >= threshold).length) / captions.length) / 1000,
    falseFlags: set.filter((r) => !r.text && score(r) >= threshold).length,
    plain: set.filter((r) => !r.text).length,
    foundPerKind: kinds,
  };
};
console.log(JSON.stringify({ threshold, hidden: H, l2: L2, instances: counts }));
trainPaths.forEach((p, i) => console.log(JSON.stringify(report(p, trainSets[i]!, "train"))));
let testFound = 0;
let testCaptions = 0;
let testFalse = 0;
let testPlain = 0;
for (const p of testPaths) {
  const set = load(p);
  const r = report(p, set, "test");
  console.log(JSON.stringify(r));
  testCaptions += set.filter((e) => e.text).length;
  testFound += Math.round(r.recall * set.filter((e) => e.text).length);
  testFalse += r.falseFlags;
  testPlain += r.plain;
  const best = (e: Example) => e.proposals.reduce((a, b) => (score({ ...e, proposals: [b] }) > score({ ...e, proposals: [a] }) ? b : a), e.proposals[0]!);
  for (const e of set
    .filter((e) => !e.text)
    .sort((a, b) => score(b) - score(a))
    .slice(0, Number(values.show)))
    console.log(`  plain ${e.file} ${score(e)} read "${best(e).words}"`);
  if (Number(values.show) > 0)
    for (const e of set.filter((e) => e.text && score(e) < threshold))
      console.log(`  miss ${e.file} ${score(e)} (${e.note}) read "${e.proposals.length ? best(e).words : ""}"`);
}
if (testPaths.length)
  console.log(
    JSON.stringify({ tests: testPaths.length, recall: Math.round((1000 * testFound) / testCaptions) / 1000, falseFlags: testFalse, plain: testPlain }),
  );
if (values.out) {
  const fitted = {
    by: "bench/text-fit.ts",
    train: trainPaths.map((p) => p.replace(/^.*\//, "")),
    hidden: H,
    l2: L2,
    epochs: Number(values.epochs),
    seed: Number(values.seed),
    threshold,
    ff: Number(values.ff),
  };
  // Formatted as the repository's format check wants it.
  writeFileSync(values.out, await format(JSON.stringify({ fitted, ...model }), { ...(await resolveConfig(values.out)), filepath: values.out }));
  console.error(`text-fit: wrote ${values.out}`);
}

// Fits the text model (src/text-evidence.ts TEXT_MODEL) on readings dumped by text-study.ts and
// checks it on others: a logistic regression over per-proposal features, where each captioned
// photo gives its proposal with the most letters read (in both strips, plus agreement) as text,
// and every proposal of a plain photo is not text. A photo scores its best proposal. Prints the
// weights, the threshold that flags `--ff` of the training plain photos, and per dump the recall,
// false flags and recall per caption kind at that threshold. Usage:
//   tsx packages/screening/bench/text-fit.ts --train a.json,b.json --test c.json [--ff 0.004]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { FEATURES, proposalFeatures, proposalScore, type OcrWord, type TextModel } from "../src/text-evidence.ts";
import type { LineShape } from "../src/text-regions.ts";

const { values } = parseArgs({
  options: {
    train: { type: "string" },
    test: { type: "string", default: "" },
    ff: { type: "string", default: "0.004" },
    /** Report at this threshold instead of the one --ff picks. */
    threshold: { type: "string" },
    features: { type: "string", default: FEATURES.join(",") },
    iterations: { type: "string", default: "3000" },
    /** Print the highest-scoring plain photos of each test dump, with their features. */
    show: { type: "string", default: "0" },
  },
});

interface Reading {
  file: string;
  kind: string;
  words: OcrWord[];
  lines: Array<LineShape & { chars: number }>;
}
const load = (path: string) =>
  (JSON.parse(readFileSync(path, "utf8")) as Reading[]).map((r) => ({
    file: r.file,
    kind: r.kind,
    text: r.kind !== "plain photo",
    note: (r as Reading & { note?: string }).note ?? "",
    proposals: proposalFeatures(r.words, r.lines).map((p) => ({ ...p.features, words: p.words.join(" ") })),
  }));

const used = new Set(values.features!.split(","));
const trainSets = values.train!.split(",").map(load);
const testPaths = values.test!.split(",").filter(Boolean);

const instances: Array<{ x: number[]; y: number }> = [];
const vector = (f: Record<string, number>) => FEATURES.map((n) => (used.has(n) ? f[n]! : 0));
for (const r of trainSets.flat()) {
  if (r.text) {
    const best = [...r.proposals].sort((a, b) => b.strongStrip + b.weakStrip + b.agreement - (a.strongStrip + a.weakStrip + a.agreement))[0];
    if (best && best.strongStrip > 0.1) instances.push({ x: vector(best as unknown as Record<string, number>), y: 1 });
  } else for (const p of r.proposals) instances.push({ x: vector(p as unknown as Record<string, number>), y: 0 });
}
// Class-balanced logistic regression, plain gradient descent with a little L2.
const positives = instances.filter((i) => i.y).length;
const negatives = instances.length - positives;
const w = new Array<number>(FEATURES.length).fill(0);
let bias = 0;
for (let it = 0; it < Number(values.iterations); it++) {
  const g = new Array<number>(FEATURES.length).fill(0);
  let gb = 0;
  for (const { x, y } of instances) {
    const p = 1 / (1 + Math.exp(-(bias + x.reduce((s, v, i) => s + v * w[i]!, 0))));
    const weight = y ? 1 / positives : 1 / negatives;
    gb += weight * (p - y);
    x.forEach((v, i) => (g[i]! += weight * (p - y) * v));
  }
  bias -= 3 * gb;
  for (let i = 0; i < w.length; i++) w[i]! -= 3 * (g[i]! + 0.001 * w[i]!);
}
const round = (v: number) => Math.round(v * 100) / 100;
const model: TextModel = {
  bias: round(bias),
  weights: Object.fromEntries(FEATURES.map((n, i) => [n, round(w[i]!)])) as TextModel["weights"],
};
const score = (r: ReturnType<typeof load>[number]) => Math.max(0, ...r.proposals.map((p) => Math.round(proposalScore(p, model) * 1000) / 1000));
const plainScores = trainSets
  .flat()
  .filter((r) => !r.text)
  .map(score)
  .sort((a, b) => b - a);
const threshold = values.threshold
  ? Number(values.threshold)
  : Math.round((plainScores[Math.floor(plainScores.length * Number(values.ff))]! + 0.001) * 1000) / 1000;
const report = (path: string, set: ReturnType<typeof load>, role: string) => {
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
console.log(JSON.stringify({ model, threshold, instances: { positives, negatives } }));
values.train!.split(",").forEach((p, i) => console.log(JSON.stringify(report(p, trainSets[i]!, "train"))));
for (const p of testPaths) {
  const set = load(p);
  console.log(JSON.stringify(report(p, set, "test")));
  const top = set
    .filter((r) => !r.text)
    .sort((a, b) => score(b) - score(a))
    .slice(0, Number(values.show));
  for (const r of top) {
    const best = [...r.proposals].sort((a, b) => proposalScore(b, model) - proposalScore(a, model))[0];
    console.log(`  plain ${r.file} ${score(r)} ${JSON.stringify(best)}`);
  }
  if (Number(values.show) > 0)
    for (const r of set.filter((r) => r.text && score(r) < threshold)) {
      const best = [...r.proposals].sort((a, b) => proposalScore(b, model) - proposalScore(a, model))[0];
      console.log(`  miss ${r.file} ${score(r)} (${r.note}) read "${best?.words ?? ""}"`);
    }
}

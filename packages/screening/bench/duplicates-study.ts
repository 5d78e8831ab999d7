// Tuning aid for near-duplicate search (the measurements in src/duplicates.ts): plants near-duplicate
// pairs (bench/plant/edits.ts) of corpus photos beside plain photos, analyses every image as the
// importer does, and runs the duplicates stage's candidate search and confirmation without a
// database. Prints per edit the pairs found, and for each miss where it was lost (no candidate:
// hash distances; not confirmed: the aligned correlation); and the plain photos grouped.
// Usage: tsx packages/screening/bench/duplicates-study.ts --seed 7 --per 50 --plain 1000
// (`--bench` plants bench:signals' own set for that seed instead, every signal included.)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { analyseImage, hammingDistance, type ImageAnalysis } from "@mien/dataset";

import { greySquare } from "../src/decode.ts";
import { candidatePairs, confirmPair, groupsOf, VERIFY_SIZE } from "../src/duplicates.ts";
import { sharedData } from "../src/testing/index.ts";
import { DUPLICATE_EDITS, nearDuplicate } from "./plant/edits.ts";
import { plantSet } from "./plant/planted-set.ts";
import { Random } from "./plant/random.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "7" },
    per: { type: "string", default: "50" },
    plain: { type: "string", default: "1000" },
    bench: { type: "boolean", default: false },
  },
});
const log = (m: string) => process.stderr.write(`duplicates-study: ${m}\n`);

interface Item {
  name: string;
  edit: string | null;
  pair: number;
  bytes: Buffer;
  analysis: ImageAnalysis;
}

const rng = new Random(Number(values.seed));
const images = join(sharedData(), "facial-expressions", "images");
const sources = rng.shuffle(readdirSync(images).sort());
let next = 0;
const items: Item[] = [];
const add = async (name: string, edit: string | null, pair: number, bytes: Buffer) =>
  items.push({ name, edit, pair, bytes, analysis: await analyseImage(bytes) });
let pairs = 0;
if (values.bench) {
  const dir = mkdtempSync(join(tmpdir(), "mien-duplicates-study-"));
  const cases = await plantSet(join(sharedData(), "facial-expressions"), dir, {
    seed: Number(values.seed),
    perCondition: Number(values.per),
    plain: Number(values.plain),
    fonts: "all",
  });
  const pairIds = new Map<string, number>();
  for (const c of cases) {
    const pair = c.pair === undefined ? -1 : (pairIds.get(c.pair) ?? pairIds.set(c.pair, pairIds.size).get(c.pair)!);
    await add(
      c.file,
      c.signal === "duplicate" ? c.condition : c.signal === "plain" ? null : `other ${c.signal}`,
      pair,
      readFileSync(join(dir, "neutral", c.file)),
    );
  }
  pairs = pairIds.size;
  rmSync(dir, { recursive: true, force: true });
} else {
  for (let i = 0; i < Number(values.plain); i++) {
    const name = sources[next++]!;
    await add(name, null, -1, readFileSync(join(images, name)));
  }
  for (const edit of DUPLICATE_EDITS) {
    for (let i = 0; i < Number(values.per); i++) {
      const name = sources[next++]!;
      const original = readFileSync(join(images, name));
      await add(name, edit, pairs, original);
      await add(`${name} (${edit})`, edit, pairs, await nearDuplicate(rng, original, edit));
      pairs += 1;
    }
  }
}
log(`${items.length} images analysed`);

const rows = items.map((it) => ({ phash: it.analysis.phash, phashCrops: it.analysis.phashCrops }));
const candidates = candidatePairs(rows);
// The thumbnail the stage compares: the original when it is its own thumbnail, else the 128 px WebP.
const grey = await Promise.all(items.map((it) => greySquare(it.analysis.thumbnail ?? it.bytes, VERIFY_SIZE)));
const started = performance.now();
const scored = candidates.map((p) => ({ ...p, ...confirmPair(grey[p.a]!, grey[p.b]!) }));
const confirmMs = performance.now() - started;
const confirmed = scored.filter((p) => p.confirmed);
const group = groupsOf(items.length, confirmed);

const perEdit: Record<string, { planted: number; found: number }> = {};
const misses: string[] = [];
/** The planted pairs' aligned correlations, lowest first: the margin above the threshold. */
const weakest: Record<string, number[]> = {};
for (let k = 0; k < pairs; k++) {
  const [a, b] = items.flatMap((it, i) => (it.pair === k ? [i] : []));
  const edit = items[a!]!.edit!;
  const entry = (perEdit[edit] ??= { planted: 0, found: 0 });
  entry.planted += 1;
  const direct = scored.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  if (direct) (weakest[edit] ??= []).push(Math.round(direct.correlation * 1000) / 1000);
  if (group[a!]! >= 0 && group[a!] === group[b!]) {
    entry.found += 1;
    continue;
  }
  const A = items[a!]!.analysis;
  const B = items[b!]!.analysis;
  const cropDistance = Math.min(...A.phashCrops.map((c) => hammingDistance(c, B.phash)), ...B.phashCrops.map((c) => hammingDistance(c, A.phash)));
  const candidate = scored.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  misses.push(
    `${items[b!]!.name}: hash ${hammingDistance(A.phash, B.phash)} bits, crop ${cropDistance} bits, ${candidate ? `candidate, correlation ${candidate.correlation.toFixed(3)}` : "no candidate"}`,
  );
}
const plainGrouped = items.filter((it, i) => (it.edit === null || it.edit.startsWith("other")) && group[i]! >= 0).map((it) => it.name);
const plainCandidates = scored
  .filter((p) => items[p.a]!.edit === null && items[p.b]!.edit === null)
  .map((p) => p.correlation)
  .sort((x, y) => y - x)
  .slice(0, 10);
console.log(
  JSON.stringify({
    seed: Number(values.seed),
    pairs,
    found: Object.values(perEdit).reduce((s, e) => s + e.found, 0),
    perEdit,
    misses,
    weakest: Object.fromEntries(Object.entries(weakest).map(([e, v]) => [e, v.sort((x, y) => x - y).slice(0, 3)])),
    plainPhotos: Number(values.plain),
    plainGrouped,
    plainCandidateTopCorrelations: plainCandidates.map((c) => Math.round(c * 1000) / 1000),
    candidates: candidates.length,
    confirmMsPerCandidate: Math.round((100 * confirmMs) / Math.max(1, candidates.length)) / 100,
  }),
);

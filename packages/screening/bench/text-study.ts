// Tuning aid for the text-over-the-face signal (the measurements in src/ocr.ts): plants captions
// (bench/plant/captions.ts) into corpus photos, keeps plain photos beside them, reads every image
// with the real TextReader (no database), and prints per caption kind the recall at the shipped
// threshold, the plain photos' false flags, the threshold that would keep false flags at 1%, and
// the CPU milliseconds per image. Planted sets are cached by seed, so a change to ocr.ts re-reads
// the same pictures. `--dump` writes every reading with its words and proposed lines' shapes, the
// input of bench/text-fit.ts (fit on dumps read with `--read-again always`: every image read at
// both line heights, as TextReader reads the unsure ones). Usage:
//   tsx packages/screening/bench/text-study.ts --seed 101 --per 20 --plain 300 [--dump out.json] [--read-again always]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { readingOf, TextReader, type OcrWord, type ReadAgain, type TextReading } from "../src/ocr.ts";
import { sharedData } from "../src/testing/index.ts";
import { THRESHOLDS } from "../src/thresholds.ts";
import { CAPTION_KINDS, drawCaption, randomCaption } from "./plant/captions.ts";
import { fontsOf, registerFonts, type FontPool } from "./plant/fonts.ts";
import { Random } from "./plant/random.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "101" },
    per: { type: "string", default: "20" },
    plain: { type: "string", default: "300" },
    fonts: { type: "string", default: "all" },
    cache: { type: "string", default: join(tmpdir(), "mien-text-study") },
    dump: { type: "string" },
    "read-again": { type: "string", default: "unsure" },
    /** Print each miss and each false flag with what was read. */
    verbose: { type: "boolean", default: false },
  },
});
const log = (m: string) => process.stderr.write(`text-study: ${m}\n`);

interface StudyCase {
  file: string;
  kind: string;
  note: string;
}

/** Plants (or reuses) the set for this seed: `per` captions of each kind and `plain` untouched photos. */
async function planted(): Promise<{ dir: string; cases: StudyCase[] }> {
  const dir = join(values.cache!, `seed-${values.seed}-per-${values.per}-plain-${values.plain}-${values.fonts}`);
  const index = join(dir, "cases.json");
  if (existsSync(index)) return { dir, cases: JSON.parse(readFileSync(index, "utf8")) as StudyCase[] };
  registerFonts();
  mkdirSync(dir, { recursive: true });
  const rng = new Random(Number(values.seed));
  const images = join(sharedData(), "facial-expressions", "images");
  const sources = rng.shuffle(readdirSync(images).sort());
  let next = 0;
  const take = () => readFileSync(join(images, sources[next++]!));
  const cases: StudyCase[] = [];
  for (let i = 0; i < Number(values.plain); i++) {
    writeFileSync(join(dir, `plain-${i}.jpg`), take());
    cases.push({ file: `plain-${i}.jpg`, kind: "plain photo", note: sources[next - 1]! });
  }
  const fonts = fontsOf(values.fonts as FontPool);
  for (const kind of CAPTION_KINDS) {
    for (let i = 0; i < Number(values.per); i++) {
      const { bytes, caption } = await drawCaption(rng, take(), randomCaption(rng, kind, fonts));
      writeFileSync(join(dir, `text-${kind}-${i}.jpg`), bytes);
      cases.push({
        file: `text-${kind}-${i}.jpg`,
        kind,
        note: `${caption.family} ${caption.fill} ${caption.outline} ${(caption.size * 160).toFixed(1)}px ${caption.where}: ${caption.text}`,
      });
    }
  }
  writeFileSync(index, JSON.stringify(cases));
  return { dir, cases };
}

const { dir, cases } = await planted();
log(`${cases.length} images in ${dir}`);
const reader = await TextReader.create(1, values["read-again"] as ReadAgain);
const readings: Array<StudyCase & TextReading & { words: OcrWord[]; lines: unknown[] }> = [];
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
for (const c of cases) {
  const { words, lines } = await reader.page(readFileSync(join(dir, c.file)));
  // The lines' shapes as TextReader.read passes them: without them every line scored as a typical face's.
  readings.push({ ...c, ...readingOf(words, lines), words, lines });
}
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
await reader.close();

const plain = readings.filter((r) => r.kind === "plain photo");
const plainScores = plain.map((r) => r.score).sort((a, b) => b - a);
// The lowest threshold that flags at most 1% of plain photos: just above the (1% + 1)-th highest plain score.
const allowed = Math.floor(plain.length / 100);
const at1pct = plainScores[allowed] !== undefined ? plainScores[allowed]! + 1e-6 : 0;
const recallAt = (t: number, kind?: string) => {
  const planted = readings.filter((r) => r.kind !== "plain photo" && (!kind || r.kind === kind));
  return Math.round((1000 * planted.filter((r) => r.score >= t).length) / planted.length) / 1000;
};
const result = {
  seed: Number(values.seed),
  fonts: values.fonts,
  threshold: THRESHOLDS.ocrScore,
  recall: recallAt(THRESHOLDS.ocrScore),
  conditions: Object.fromEntries(CAPTION_KINDS.map((k) => [k, recallAt(THRESHOLDS.ocrScore, k)])),
  falseFlags: plain.filter((r) => r.score >= THRESHOLDS.ocrScore).length,
  plainPhotos: plain.length,
  plainTop: plainScores.slice(0, 8),
  thresholdAt1pct: Math.round(at1pct * 1000) / 1000,
  recallAt1pct: recallAt(at1pct),
  cpuMsPerImage: Math.round((cpu.user + cpu.system) / 1000 / readings.length),
  wallMsPerImage: Math.round(wall / readings.length),
};
if (values.verbose) {
  for (const r of readings) {
    const planted = r.kind !== "plain photo";
    if (planted ? r.score < THRESHOLDS.ocrScore : r.score >= THRESHOLDS.ocrScore)
      log(`${planted ? "miss" : "false flag"} ${r.file} ${r.score} "${r.text}" (${r.note})`);
  }
}
if (values.dump) writeFileSync(values.dump, JSON.stringify(readings));
console.log(JSON.stringify(result));

// `pnpm bench:mislabel`: plants label errors (seeded; uniform and confusable-pair flips at several
// rates) into a labelled FER2013 sample, runs the real screening stages on a throwaway database and
// prints one JSON object: per noise setting the precision, recall and F1 of the "mislabelled" flag,
// the flag rate, the AUROC and precision@k of the review order (mislabelScore), the accuracy of the
// suggested label on caught flips and the seconds the mislabel + flags stages took. Faces and
// embeddings do not depend on labels, so they run once; each setting reruns mislabel and flags.
// Tune on --split train (a stratified --sample); report on --split val (the whole split).
// --corpus facial-expressions plants the flips in a sample of the curation corpus instead (at most
// --per-class images per class), images the screening reference model never saw; --ceilings sweeps
// the flag's ceiling on the given label's probability (THRESHOLDS.mislabelGivenCeiling).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { legendLabels, runImport } from "@mien/dataset";
import { createTestDatabase } from "@mien/db/testing";
import type { ScreeningStage } from "@mien/jobs";
import { EXPRESSION_CLASSES } from "@mien/model";
import { LocalStorage } from "@mien/storage";

import { screeningOptions } from "../src/options.ts";
import { runScreening } from "../src/run/run-screening.ts";
import { sharedData } from "../src/testing/index.ts";
import { contactSheet } from "./contact-sheet.ts";
import { mislabelScores } from "./mislabel-metrics.ts";
import { plantLabelNoise, settingName, type NoiseKind, type NoiseSetting } from "./plant/label-noise.ts";
import { Random } from "./plant/random.ts";

const { values } = parseArgs({
  options: {
    /** fer2013 (its --split) or facial-expressions (its legend.csv, --per-class images per class). */
    corpus: { type: "string", default: "fer2013" },
    split: { type: "string", default: "val" },
    "per-class": { type: "string", default: "400" },
    /** Flag ceilings to sweep (default: the shipped one). */
    ceilings: { type: "string" },
    /** Images per split, stratified (0: the whole split). */
    sample: { type: "string", default: "0" },
    seed: { type: "string", default: "14" },
    rates: { type: "string", default: "0.1,0.15,0.2,0.3" },
    kinds: { type: "string", default: "uniform,pairs" },
    /** Write a contact sheet of the images the clean run flags to this PNG. */
    sheet: { type: "string" },
    "sheet-size": { type: "string", default: "96" },
  },
});
const log = (m: string) => process.stderr.write(`bench:mislabel: ${m}\n`);
const started = performance.now();
const seed = Number(values.seed);
const tmp = mkdtempSync(join(tmpdir(), "mien-bench-mislabel-"));
const storage = new LocalStorage(join(tmp, "storage"));
const t = await createTestDatabase("mien_bench_mislabel");

/** A copy of `count` images of the split (each class keeps its share), as class folders. */
function sampleSplit(root: string, count: number, out: string): string {
  const classes = readdirSync(root).sort();
  const all = classes.flatMap((c) =>
    readdirSync(join(root, c))
      .sort()
      .map((f) => ({ c, f })),
  );
  if (count <= 0 || count >= all.length) return root;
  const random = new Random(seed);
  for (const c of classes) {
    const files = all.filter((e) => e.c === c);
    mkdirSync(join(out, c), { recursive: true });
    for (const e of random.shuffle(files).slice(0, Math.max(1, Math.round((files.length * count) / all.length))))
      copyFileSync(join(root, c, e.f), join(out, c, e.f));
  }
  return out;
}

/**
 * A sample of the facial-expressions corpus as a legend.csv layout: at most `perClass` images per
 * label (seeded), leaving out files the legend names twice with different labels and files it lacks.
 */
async function sampleCorpus(root: string, perClass: number, out: string): Promise<string> {
  const labelOf = await legendLabels(join(root, "legend.csv"), (raw) => raw.toLowerCase());
  const byLabel = new Map<string, string[]>();
  for (const [image, label] of [...labelOf].sort(([a], [b]) => (a < b ? -1 : 1)))
    if (label && existsSync(join(root, "images", image))) byLabel.set(label, [...(byLabel.get(label) ?? []), image]);
  const random = new Random(seed);
  mkdirSync(join(out, "images"), { recursive: true });
  const picked: string[] = [];
  for (const [label, images] of [...byLabel].sort(([a], [b]) => (a < b ? -1 : 1)))
    for (const image of random.shuffle(images).slice(0, perClass)) {
      copyFileSync(join(root, "images", image), join(out, "images", image));
      picked.push(`0,${image},${label}`);
    }
  writeFileSync(join(out, "legend.csv"), ["user.id,image,emotion", ...picked].join("\n") + "\n");
  return out;
}

async function runStages(stages: ScreeningStage[], mislabelCeiling?: number): Promise<number> {
  const run = await t.db.screeningRun.create({
    data: {
      options: screeningOptions.parse({ stages, mislabelCeiling }),
      stages: { create: stages.map((stage, position) => ({ stage, position })) },
    },
  });
  const t0 = performance.now();
  await runScreening({ db: t.db, storage, log: () => {} }, run.id);
  return (performance.now() - t0) / 1000;
}

try {
  const corpus = values.corpus!;
  if (corpus !== "fer2013" && corpus !== "facial-expressions") throw new Error(`--corpus is fer2013 or facial-expressions; got ${corpus}.`);
  const root =
    corpus === "fer2013"
      ? sampleSplit(join(sharedData(), "fer2013", values.split!), Number(values.sample), join(tmp, "set"))
      : await sampleCorpus(join(sharedData(), "facial-expressions"), Number(values["per-class"]), join(tmp, "set"));
  const source = corpus === "fer2013" ? values.split : `facial-expressions (≤ ${values["per-class"]} per class)`;
  const ceilings = values.ceilings?.split(",").map(Number) ?? [undefined];
  if (ceilings.some((c) => c !== undefined && !(c > 0 && c <= 1))) throw new Error(`--ceilings are numbers in (0, 1]; got ${values.ceilings}.`);
  const imported = await runImport({ db: t.db, storage, root });
  log(`imported ${imported.imported} images of ${source} (${imported.copies} byte-identical copies kept as copies)`);
  const prepareSeconds = await runStages(["faces", "embeddings"]);
  log(`faces and embeddings in ${prepareSeconds.toFixed(1)} s`);

  const images = await t.db.image.findMany({ select: { id: true, label: true, sourcePath: true }, orderBy: { id: "asc" } });
  const truth = Int32Array.from(images, (i) => EXPRESSION_CLASSES.indexOf(i.label as (typeof EXPRESSION_CLASSES)[number]));
  const settings: NoiseSetting[] = [{ kind: "uniform", rate: 0 }];
  for (const kind of values.kinds!.split(",") as NoiseKind[]) for (const rate of values.rates!.split(",").map(Number)) settings.push({ kind, rate });

  const results: Record<string, unknown> = {};
  for (const setting of settings) {
    const { labels, flipped } = plantLabelNoise(truth, EXPRESSION_CLASSES, setting, seed);
    const ids = images.map((i) => i.id);
    await t.db.$executeRaw`
      UPDATE image AS i SET label = v.label FROM unnest(${ids}::uuid[], ${Array.from(labels, (y) => EXPRESSION_CLASSES[y]!)}::text[]) AS v(id, label)
      WHERE i.id = v.id`;
    for (const ceiling of ceilings) {
      const seconds = await runStages(["mislabel", "flags"], ceiling);
      const rows = await t.db.image.findMany({
        select: { id: true, suggestedLabel: true, mislabelScore: true, flags: { where: { reason: "mislabelled" }, select: { id: true } } },
        orderBy: { id: "asc" },
      });
      if (rows.length !== images.length || rows.some((r, i) => r.id !== images[i]!.id)) throw new Error("The images changed between noise settings.");
      const scores = mislabelScores({
        flipped,
        flagged: rows.map((r) => (r.flags.length > 0 ? 1 : 0)),
        score: rows.map((r) => r.mislabelScore ?? -1),
        suggested: rows.map((r) => (r.suggestedLabel ? EXPRESSION_CLASSES.indexOf(r.suggestedLabel as (typeof EXPRESSION_CLASSES)[number]) : -1)),
        truth,
      });
      const name = ceiling === undefined ? settingName(setting) : `${settingName(setting)}@${ceiling}`;
      results[name] = { ...scores, seconds: Math.round(seconds * 10) / 10 };
      log(`${name}: ${JSON.stringify(results[name])}`);
      if (setting.rate === 0 && values.sheet && ceiling === ceilings[0]) {
        // The clean run's flags, most suspicious first: a person judges how many are real label errors.
        const flaggedRows = rows.flatMap((r, i) =>
          r.flags.length > 0 ? [{ image: images[i]!, suggested: r.suggestedLabel ?? "?", score: r.mislabelScore ?? 0 }] : [],
        );
        flaggedRows.sort((a, b) => b.score - a.score);
        const shown = flaggedRows.slice(0, Number(values["sheet-size"]));
        await contactSheet(
          shown.map((f) => ({ file: join(root, f.image.sourcePath), caption: `${f.image.label.slice(0, 5)}→${f.suggested.slice(0, 5)}` })),
          values.sheet,
        );
        writeFileSync(
          `${values.sheet}.json`,
          JSON.stringify(shown.map((f, i) => ({ n: i + 1, file: f.image.sourcePath, label: f.image.label, suggested: f.suggested, score: f.score }))),
        );
        log(`contact sheet of ${shown.length} of the ${flaggedRows.length} clean-run flags: ${values.sheet}`);
      }
    }
  }
  const stage = await t.db.screeningStage.findFirst({ where: { stage: "mislabel", done: true }, orderBy: { finishedAt: "desc" } });
  console.log(
    JSON.stringify({
      bench: "screening.mislabel",
      corpus,
      split: corpus === "fer2013" ? values.split : null,
      images: images.length,
      seed,
      mislabel: stage?.detail ? { rule: (stage.detail as { rule?: unknown }).rule ?? null } : null,
      settings: results,
      prepareSeconds: Math.round(prepareSeconds * 10) / 10,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    }),
  );
} finally {
  await t.drop();
  rmSync(tmp, { recursive: true, force: true });
}

// `pnpm bench:signals`: plants cases in real photos of ../shared/data/facial-expressions (captions,
// near-duplicates, blur, images with no face, several faces; see plant/), imports them into a
// throwaway database, runs the real screening stages over them, and prints one JSON object:
// per signal and condition the share of planted cases flagged (recall), the share of plain
// photos flagged (false flags), and the stage's images per second. `--scorecard` also writes it
// to src/scorecard.json, which the Screening page shows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { runImport } from "@mien/dataset";
import { createTestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { screeningOptions } from "../src/options.ts";
import { runScreening } from "../src/run/run-screening.ts";
import { sharedData } from "../src/testing/index.ts";
import { THRESHOLDS } from "../src/thresholds.ts";
import type { FontPool } from "./plant/fonts.ts";
import { plantSet, type PlantedCase, type Signal } from "./plant/planted-set.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "15" },
    per: { type: "string", default: "20" },
    plain: { type: "string", default: "300" },
    fonts: { type: "string", default: "all" },
    scorecard: { type: "boolean", default: false },
    misses: { type: "boolean", default: false },
  },
});
const log = (m: string) => process.stderr.write(`bench:signals: ${m}\n`);
const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), "mien-bench-signals-"));
const storage = new LocalStorage(join(tmp, "storage"));
const t = await createTestDatabase("mien_bench_signals");

try {
  const corpus = join(sharedData(), "facial-expressions");
  const cases = await plantSet(corpus, join(tmp, "set"), {
    seed: Number(values.seed),
    perCondition: Number(values.per),
    plain: Number(values.plain),
    fonts: values.fonts as FontPool,
  });
  log(`planted ${cases.length} images in ${tmp}`);
  const imported = await runImport({ db: t.db, storage, root: join(tmp, "set") });
  log(`imported ${imported.imported} images`);

  const stages = ["duplicates", "faces", "ocr", "flags"] as const;
  const run = await t.db.screeningRun.create({
    data: { options: screeningOptions.parse({ stages: [...stages] }), stages: { create: stages.map((stage, position) => ({ stage, position })) } },
  });
  await runScreening({ db: t.db, storage, log }, run.id);

  const rows = await t.db.image.findMany({
    select: {
      sourcePath: true,
      duplicateGroup: true,
      ocrScore: true,
      ocrText: true,
      faceCount: true,
      sharpness: true,
      flags: { select: { reason: true, detail: true } },
    },
  });
  const byFile = new Map(rows.map((r) => [r.sourcePath.split("/").pop()!, r]));
  const stageRows = await t.db.screeningStage.findMany({ where: { runId: run.id } });
  const speed = (stage: string) => {
    const s = stageRows.find((r) => r.stage === stage);
    return s && s.seconds > 0 ? Math.round((s.processed / s.seconds) * 10) / 10 : null;
  };
  const causes = (r: (typeof rows)[number]) =>
    r.flags.filter((f) => f.reason === "unclear").flatMap((f) => (f.detail as { causes?: string[] } | null)?.causes ?? []);
  /** Whether screening flagged this image for the signal. */
  const flagged: Record<Signal, (r: (typeof rows)[number]) => boolean> = {
    text: (r) => r.flags.some((f) => f.reason === "text_overlay"),
    duplicate: (r) => r.duplicateGroup !== null,
    blur: (r) => causes(r).includes("blurry"),
    no_face: (r) => r.flags.some((f) => f.reason === "no_face"),
    several_faces: (r) => causes(r).includes("several_faces"),
  };
  const stageOf: Record<Signal, string> = { text: "ocr", duplicate: "duplicates", blur: "faces", no_face: "faces", several_faces: "faces" };
  const row = (c: PlantedCase) => {
    const r = byFile.get(c.file);
    if (!r) throw new Error(`Planted ${c.file} was not imported; see the import report.`);
    return r;
  };
  const plain = cases.filter((c) => c.signal === "plain").map(row);
  const misses: Record<string, string[]> = {};

  const signals = Object.fromEntries(
    (Object.keys(flagged) as Signal[]).map((signal) => {
      const planted = cases.filter((c) => c.signal === signal);
      const conditions: Record<string, { planted: number; found: number; recall: number }> = {};
      // A near-duplicate pair is found when both copies land in the same group.
      const units =
        signal === "duplicate"
          ? [...new Set(planted.map((c) => c.pair!))].map((pair) => {
              const [a, b] = planted.filter((c) => c.pair === pair).map(row);
              return { c: planted.find((c) => c.pair === pair)!, hit: a!.duplicateGroup !== null && a!.duplicateGroup === b!.duplicateGroup };
            })
          : planted.map((c) => ({ c, hit: flagged[signal](row(c)) }));
      for (const { c, hit } of units) {
        const entry = (conditions[c.condition] ??= { planted: 0, found: 0, recall: 0 });
        entry.planted += 1;
        if (hit) entry.found += 1;
        else (misses[signal] ??= []).push(`${c.file}${c.note ? ` (${c.note}; read "${row(c).ocrText ?? ""}" ${row(c).ocrScore ?? ""})` : ""}`);
      }
      for (const e of Object.values(conditions)) e.recall = Math.round((1000 * e.found) / e.planted) / 1000;
      const found = units.filter((u) => u.hit).length;
      const falseFlags = plain.filter(flagged[signal]).length;
      return [
        signal,
        {
          recall: Math.round((1000 * found) / units.length) / 1000,
          planted: units.length,
          falseFlags,
          falseFlagRate: Math.round((10000 * falseFlags) / plain.length) / 10000,
          plainPhotos: plain.length,
          imagesPerSecond: speed(stageOf[signal]),
          conditions,
        },
      ];
    }),
  );
  const result = {
    bench: "screening.signals",
    seed: Number(values.seed),
    perCondition: Number(values.per),
    fonts: values.fonts,
    images: cases.length,
    thresholds: {
      ocrScore: THRESHOLDS.ocrScore,
      sharpness: THRESHOLDS.sharpness,
      duplicateHamming: THRESHOLDS.duplicateHamming,
      duplicateCorrelation: THRESHOLDS.duplicateCorrelation,
    },
    signals,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
  };
  if (values.scorecard) {
    let commit = "unknown";
    try {
      commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      // Not a git checkout: the scorecard still records its date.
    }
    const path = join(import.meta.dirname, "..", "src", "scorecard.json");
    writeFileSync(path, `${JSON.stringify({ ...result, measuredAt: new Date().toISOString().slice(0, 10), commit }, null, 2)}\n`);
    log(`scorecard written to ${path}`);
  }
  console.log(JSON.stringify(values.misses ? { ...result, misses } : result));
} finally {
  await t.drop();
  rmSync(tmp, { recursive: true, force: true });
}

import { z } from "zod";

import type { Db } from "@mien/db";
import { AppError } from "@mien/errors";
import { isExpressionClass, type ExpressionClass } from "@mien/model/classes";
import { compareModels, comparisonSentence, type Comparison } from "@mien/model/evaluation";
import type { EvaluationReport } from "@mien/model/manifest";

/** Stored per score row: each item's probabilities in the version's class order, in item order. */
export interface StoredPredictions {
  classes: ExpressionClass[];
  probs: number[][];
}

/** Every pinned set with each version's figures on it (predictions stay in the database). */
export async function listEvalSets(db: Db) {
  const sets = await db.evalSet.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      contentHash: true,
      source: true,
      split: true,
      imageCount: true,
      classCounts: true,
      createdAt: true,
      scores: { select: { versionId: true, status: true, error: true, classes: true, excluded: true, metrics: true, finishedAt: true } },
    },
  });
  return sets.map((s) => ({
    ...s,
    classCounts: s.classCounts as Partial<Record<ExpressionClass, number>>,
    scores: s.scores.map((r) => ({
      versionId: r.versionId,
      status: r.status,
      error: r.error,
      classes: (r.classes ?? []) as ExpressionClass[],
      excluded: (r.excluded ?? {}) as Partial<Record<ExpressionClass, number>>,
      metrics: (r.metrics ?? null) as EvaluationReport | null,
      finishedAt: r.finishedAt,
    })),
  }));
}

export const compareInput = z.object({ setId: z.uuid(), a: z.uuid(), b: z.uuid() });
export type CompareInput = z.infer<typeof compareInput>;

async function loadComparison(
  db: Db,
  input: CompareInput,
): Promise<{
  comparison: Comparison;
  items: Array<{ sha256: string; label: ExpressionClass }>;
  a: StoredPredictions;
  b: StoredPredictions;
  numbers: { a: number; b: number };
}> {
  const [set, scores] = await Promise.all([
    db.evalSet.findUnique({ where: { id: input.setId }, select: { id: true } }),
    db.evalScore.findMany({
      where: { setId: input.setId, versionId: { in: [input.a, input.b] } },
      select: { versionId: true, status: true, predictions: true, version: { select: { number: true } } },
    }),
  ]);
  if (!set) throw new AppError("NOT_FOUND", "No such evaluation set.");
  const pick = (id: string) => {
    const s = scores.find((r) => r.versionId === id);
    if (!s) throw new AppError("NOT_FOUND", "That version has not been queued for this set yet; wait for the evaluation worker.");
    if (s.status !== "completed" || !s.predictions) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `Version ${s.version.number} is not scored on this set yet (${s.status}); the comparison appears once the evaluation worker has scored it.`,
      );
    }
    return { predictions: s.predictions as unknown as StoredPredictions, number: s.version.number };
  };
  const a = pick(input.a);
  const b = pick(input.b);
  const rows = await db.evalSetItem.findMany({ where: { setId: input.setId }, orderBy: { position: "asc" }, select: { sha256: true, label: true } });
  const items = rows.filter((r): r is { sha256: string; label: ExpressionClass } => isExpressionClass(r.label));
  if (items.length !== rows.length || a.predictions.probs.length !== rows.length || b.predictions.probs.length !== rows.length) {
    throw new Error("Stored predictions do not match the set's images; re-score the set.");
  }
  const flat = (p: StoredPredictions) => ({ classes: p.classes, probs: p.probs.flat() });
  const comparison = compareModels(
    items.map((i) => i.label),
    flat(a.predictions),
    flat(b.predictions),
  );
  return { comparison, items, a: a.predictions, b: b.predictions, numbers: { a: a.number, b: b.number } };
}

/** Two versions on one pinned set: side-by-side metrics, per-class deltas, McNemar's exact test and a sentence. */
export async function compareOnSet(db: Db, input: CompareInput) {
  const { comparison: c, numbers } = await loadComparison(db, input);
  const names = { a: `version ${numbers.a}`, b: `version ${numbers.b}` };
  const sentence = comparisonSentence(c, names);
  return {
    versions: numbers,
    classes: c.classes,
    onlyA: c.onlyA,
    onlyB: c.onlyB,
    excluded: c.excluded,
    n: c.n,
    a: c.a,
    b: c.b,
    deltaAccuracy: c.deltaAccuracy,
    perClassDelta: c.perClassDelta,
    mcnemar: c.mcnemar,
    sentence: sentence.charAt(0).toUpperCase() + sentence.slice(1),
    /** B significantly worse than A (5% level). */
    bSignificantlyWorse: c.mcnemar.p < 0.05 && c.mcnemar.b10 > c.mcnemar.b01,
  };
}

function argmaxOn(probs: readonly number[], modelClasses: readonly ExpressionClass[], classes: readonly ExpressionClass[]): ExpressionClass {
  let best = classes[0]!;
  let bestP = -Infinity;
  for (const c of classes) {
    const p = probs[modelClasses.indexOf(c)]!;
    if (p > bestP) {
      bestP = p;
      best = c;
    }
  }
  return best;
}

/** The images that flipped between A and B (right → wrong and wrong → right), for thumbnails. */
export async function flippedImages(db: Db, input: CompareInput & { limit?: number }) {
  const { comparison: c, items, a, b } = await loadComparison(db, input);
  const limit = input.limit ?? 60;
  const pick = (indices: number[]) => indices.slice(0, limit);
  const wanted = [...pick(c.flippedToRight), ...pick(c.flippedToWrong)];
  const images = await db.image.findMany({ where: { sha256: { in: wanted.map((i) => items[i]!.sha256) } }, select: { id: true, sha256: true } });
  const idOf = new Map(images.map((i) => [i.sha256, i.id]));
  const describe = (i: number) => ({
    imageId: idOf.get(items[i]!.sha256) ?? null,
    sha256: items[i]!.sha256,
    label: items[i]!.label,
    predictedA: argmaxOn(a.probs[i]!, a.classes, c.classes),
    predictedB: argmaxOn(b.probs[i]!, b.classes, c.classes),
  });
  return {
    toRight: { total: c.flippedToRight.length, images: pick(c.flippedToRight).map(describe) },
    toWrong: { total: c.flippedToWrong.length, images: pick(c.flippedToWrong).map(describe) },
  };
}

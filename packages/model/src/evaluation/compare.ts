import type { EvaluationReport } from "../artifact/manifest.ts";
import { EXPRESSION_CLASSES, type ExpressionClass } from "../classes.ts";
import { predictions } from "../metrics.ts";
import { evaluationReport } from "../training/evaluate.ts";
import { mcnemarExact } from "./mcnemar.ts";

/** One model's calibrated probabilities on a labelled set: n × classes, row-major, in `classes` order. */
export interface ModelScores {
  classes: readonly ExpressionClass[];
  probs: ArrayLike<number>;
}

/** A model scored on the images whose label is one of `classes`. */
export interface ScoredSet {
  /** The classes scored, in canonical order. */
  classes: ExpressionClass[];
  /** Images left out because their label is not among `classes`, by label. */
  excluded: Partial<Record<ExpressionClass, number>>;
  /** Indices (into the set) of the images scored, in order. */
  kept: number[];
  /** Predicted class per kept image, as an index into `classes`. */
  predicted: Int32Array;
  /** The probabilities on `classes` (renormalised), kept images only. */
  probs: Float32Array;
  report: EvaluationReport;
}

function canonical(classes: Iterable<ExpressionClass>): ExpressionClass[] {
  const set = new Set(classes);
  return EXPRESSION_CLASSES.filter((c) => set.has(c));
}

/**
 * Scores a model on the images labelled with one of `classes` (which the model must output).
 * Images of other classes are counted in `excluded`, never scored as wrong; the model's other
 * outputs are dropped and the rest renormalised, so the prediction is the best of `classes`.
 */
export function scoreOnClasses(model: ModelScores, labels: readonly ExpressionClass[], classes: readonly ExpressionClass[]): ScoredSet {
  const shared = canonical(classes);
  const mk = model.classes.length;
  if (model.probs.length !== labels.length * mk)
    throw new Error(`scoreOnClasses: ${model.probs.length} probabilities for ${labels.length} images × ${mk} classes.`);
  const column = shared.map((c) => {
    const j = model.classes.indexOf(c);
    if (j < 0) throw new Error(`scoreOnClasses: the model does not output "${c}".`);
    return j;
  });
  const k = shared.length;
  const excluded: Partial<Record<ExpressionClass, number>> = {};
  const kept: number[] = [];
  const y: number[] = [];
  labels.forEach((label, i) => {
    const c = shared.indexOf(label);
    if (c < 0) excluded[label] = (excluded[label] ?? 0) + 1;
    else {
      kept.push(i);
      y.push(c);
    }
  });
  const probs = new Float32Array(kept.length * k);
  kept.forEach((i, r) => {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += model.probs[i * mk + column[c]!]!;
    for (let c = 0; c < k; c++) probs[r * k + c] = sum > 0 ? model.probs[i * mk + column[c]!]! / sum : 1 / k;
  });
  const labelsKept = Int32Array.from(y);
  return { classes: shared, excluded, kept, predicted: predictions(probs, k), probs, report: evaluationReport(probs, labelsKept, shared) };
}

/** Scores a model on a set: the classes both know; images of classes the model lacks are excluded. */
export function scoreModel(model: ModelScores, labels: readonly ExpressionClass[]): ScoredSet {
  return scoreOnClasses(model, labels, model.classes);
}

export interface McNemar {
  /** Images A got wrong and B right. */
  b01: number;
  /** Images A got right and B wrong. */
  b10: number;
  /** Two-sided exact p of a difference at least this large between equally good models. */
  p: number;
}

/** McNemar's exact test from two right/wrong vectors over the same images. */
export function mcnemarFromOutcomes(aRight: ArrayLike<boolean>, bRight: ArrayLike<boolean>): McNemar & { flippedToRight: number[]; flippedToWrong: number[] } {
  if (aRight.length !== bRight.length) throw new Error(`mcnemarFromOutcomes: ${aRight.length} outcomes for A, ${bRight.length} for B.`);
  const flippedToRight: number[] = [];
  const flippedToWrong: number[] = [];
  for (let i = 0; i < aRight.length; i++) {
    if (!aRight[i] && bRight[i]) flippedToRight.push(i);
    else if (aRight[i] && !bRight[i]) flippedToWrong.push(i);
  }
  return {
    b01: flippedToRight.length,
    b10: flippedToWrong.length,
    p: mcnemarExact(flippedToRight.length, flippedToWrong.length),
    flippedToRight,
    flippedToWrong,
  };
}

export interface ClassDelta {
  precision: number;
  recall: number;
  f1: number;
}

export interface Comparison {
  /** The classes both models output, in canonical order; only these are scored. */
  classes: ExpressionClass[];
  /** Classes only one model outputs (left out of the comparison). */
  onlyA: ExpressionClass[];
  onlyB: ExpressionClass[];
  /** Images left out because their label is not a shared class, by label. */
  excluded: Partial<Record<ExpressionClass, number>>;
  n: number;
  a: EvaluationReport;
  b: EvaluationReport;
  deltaAccuracy: number;
  /** B − A per shared class. */
  perClassDelta: Partial<Record<ExpressionClass, ClassDelta>>;
  mcnemar: McNemar;
  /** Indices into the set: wrong under A and right under B, and the reverse. */
  flippedToRight: number[];
  flippedToWrong: number[];
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Compares two models on the same labelled images: both scored on the classes they share,
 * side-by-side metrics, per-class deltas (B − A) and McNemar's exact test on the paired outcomes.
 */
export function compareModels(labels: readonly ExpressionClass[], a: ModelScores, b: ModelScores): Comparison {
  const shared = canonical(a.classes.filter((c) => b.classes.includes(c)));
  if (!shared.length) throw new Error("The two models share no class, so there is nothing to compare.");
  const sa = scoreOnClasses(a, labels, shared);
  const sb = scoreOnClasses(b, labels, shared);
  const y = sa.kept.map((i) => shared.indexOf(labels[i]!));
  const test = mcnemarFromOutcomes(
    y.map((c, r) => sa.predicted[r] === c),
    y.map((c, r) => sb.predicted[r] === c),
  );
  const perClassDelta: Comparison["perClassDelta"] = {};
  for (const c of shared) {
    const pa = sa.report.perClass[c]!;
    const pb = sb.report.perClass[c]!;
    perClassDelta[c] = { precision: round(pb.precision - pa.precision), recall: round(pb.recall - pa.recall), f1: round(pb.f1 - pa.f1) };
  }
  return {
    classes: shared,
    onlyA: canonical(a.classes.filter((c) => !shared.includes(c))),
    onlyB: canonical(b.classes.filter((c) => !shared.includes(c))),
    excluded: sa.excluded,
    n: sa.kept.length,
    a: sa.report,
    b: sb.report,
    deltaAccuracy: round(sb.report.accuracy - sa.report.accuracy),
    perClassDelta,
    mcnemar: { b01: test.b01, b10: test.b10, p: test.p },
    flippedToRight: test.flippedToRight.map((r) => sa.kept[r]!),
    flippedToWrong: test.flippedToWrong.map((r) => sa.kept[r]!),
  };
}

/** The plain sentence for a comparison, e.g. "B is better than A on this set; a difference this large by chance has p = 0.003." */
export function comparisonSentence(
  c: Pick<Comparison, "n" | "mcnemar" | "deltaAccuracy">,
  names: { a: string; b: string } = { a: "A", b: "B" },
  alpha = 0.05,
): string {
  const { b01, b10, p } = c.mcnemar;
  // Three decimals, as the page's note on the test prints it (it said p = 0.38 above "p = 0.375").
  const pText = p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
  if (b01 === b10) return `${names.a} and ${names.b} get the same number of these ${c.n} images right (${b01 + b10} images flip either way); no difference.`;
  const better = b01 > b10 ? names.b : names.a;
  const worse = b01 > b10 ? names.a : names.b;
  if (p < alpha) return `${better} is better than ${worse} on this set; a difference this large by chance has ${pText}.`;
  return `${better} gets ${Math.abs(b01 - b10)} more of ${c.n} images right than ${worse}, but a difference this large could arise by chance (${pText}): no clear winner.`;
}

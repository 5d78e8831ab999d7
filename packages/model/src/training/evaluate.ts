import type { EvaluationReport } from "../artifact/manifest.ts";
import type { ExpressionClass } from "../classes.ts";
import { confusionMatrix, expectedCalibrationError, predictions } from "../metrics.ts";

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Per confidence bin (10 equal-width bins): mean confidence, accuracy and count; empty bins are left out. */
export function reliabilityBins(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, bins = 10): NonNullable<EvaluationReport["reliability"]> {
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const predicted = predictions(probs, k);
  for (let i = 0; i < labels.length; i++) {
    const p = probs[i * k + predicted[i]!]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]! += 1;
    conf[b]! += p;
    if (predicted[i] === labels[i]) correct[b]! += 1;
  }
  return count.flatMap((c, b) => (c ? [{ confidence: round(conf[b]! / c), accuracy: round(correct[b]! / c), count: c }] : []));
}

/**
 * The confidence threshold below which the coach says "unclear": the lowest top-probability at
 * which the predictions at or above it are right at least `targetAccuracy` of the time (on val).
 * When no threshold reaches the target with at least `minCount` images, the one with the best
 * accuracy is used, so the coach is as honest as the model allows.
 */
export function abstainThreshold(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, targetAccuracy: number, minCount = 20): number {
  const predicted = predictions(probs, k);
  const rows = Array.from({ length: labels.length }, (_, i) => ({ p: probs[i * k + predicted[i]!]!, hit: predicted[i] === labels[i] ? 1 : 0 }));
  rows.sort((a, b) => b.p - a.p);
  const need = Math.min(minCount, rows.length);
  let hits = 0;
  let chosen: number | null = null;
  let best = { accuracy: -1, p: 1 };
  for (let i = 0; i < rows.length; i++) {
    hits += rows[i]!.hit;
    // Only cut between distinct confidences, so the threshold means what it says.
    if (i + 1 < rows.length && rows[i + 1]!.p === rows[i]!.p) continue;
    if (i + 1 < need) continue;
    const accuracy = hits / (i + 1);
    if (accuracy >= targetAccuracy) chosen = rows[i]!.p;
    if (accuracy > best.accuracy) best = { accuracy, p: rows[i]!.p };
  }
  return round(chosen ?? best.p, 6);
}

/** The full evaluation of calibrated probabilities on one labelled split. */
export function evaluationReport(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: readonly ExpressionClass[],
  options: { uncalibrated?: ArrayLike<number>; abstainThreshold?: number } = {},
): EvaluationReport {
  const k = classes.length;
  const n = labels.length;
  if (probs.length !== n * k) throw new Error(`evaluationReport: ${probs.length} probabilities for ${n} labels × ${k} classes.`);
  const predicted = predictions(probs, k);
  const confusion = confusionMatrix(labels, predicted, k);
  let hits = 0;
  let top2 = 0;
  let confident = 0;
  let confidentHits = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const py = probs[i * k + y]!;
    let above = 0;
    for (let j = 0; j < k; j++) if (probs[i * k + j]! > py) above++;
    if (predicted[i] === y) hits++;
    if (above < 2) top2++;
    if (options.abstainThreshold !== undefined && probs[i * k + predicted[i]!]! >= options.abstainThreshold) {
      confident++;
      if (predicted[i] === y) confidentHits++;
    }
  }
  const perClass = {} as EvaluationReport["perClass"];
  const recalls: number[] = [];
  const f1s: number[] = [];
  classes.forEach((c, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
    if (support) recalls.push(recall);
    f1s.push(f1);
  });
  const report: EvaluationReport = {
    n,
    accuracy: round(n ? hits / n : 0),
    balancedAccuracy: round(recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : 0),
    // Macro-F1 over the classes present in this split (a class with no images has no F1 to speak of).
    macroF1: round(classes.reduce((a, _c, i) => (perClass[classes[i]!]!.support ? a + f1s[i]! : a), 0) / Math.max(1, recalls.length)),
    top2: round(n ? top2 / n : 0),
    ece: round(expectedCalibrationError(probs, labels, k)),
    perClass,
    confusion,
    reliability: reliabilityBins(probs, labels, k),
  };
  if (options.uncalibrated) report.eceBeforeScaling = round(expectedCalibrationError(options.uncalibrated, labels, k));
  if (options.abstainThreshold !== undefined) {
    report.coverage = round(n ? confident / n : 0);
    report.accuracyWhenConfident = round(confident ? confidentHits / confident : 0);
  }
  return report;
}

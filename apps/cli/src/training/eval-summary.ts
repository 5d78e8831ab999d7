import { evaluationReport, type EvaluationReport, type ExpressionClass } from "@mien/model";

/**
 * `mien eval`'s JSON: metrics over `classes` (the union of the model's and the data's classes),
 * with probabilities of classes the model lacks set to 0, so a 7-class model is judged fairly
 * on 7-class data and honestly (always wrong) on a class it cannot output.
 */
export function evalSummary(
  probs: Float32Array,
  modelClasses: readonly ExpressionClass[],
  labels: readonly ExpressionClass[],
  classes: readonly ExpressionClass[],
) {
  const k = classes.length;
  const mk = modelClasses.length;
  const n = labels.length;
  const wide = new Float32Array(n * k);
  const column = modelClasses.map((c) => classes.indexOf(c));
  for (let i = 0; i < n; i++) for (let j = 0; j < mk; j++) wide[i * k + column[j]!] = probs[i * mk + j]!;
  const y = Int32Array.from(labels, (l) => classes.indexOf(l));
  return { ...reportJson(evaluationReport(wide, y, classes)), classes: [...classes] };
}

/** An evaluation report in the CLI's JSON field names (mien eval and mien compare). */
export function reportJson(r: EvaluationReport) {
  return {
    n: r.n,
    accuracy: r.accuracy,
    balanced_accuracy: r.balancedAccuracy,
    macro_f1: r.macroF1,
    top2: r.top2,
    ece: r.ece,
    per_class: r.perClass,
    confusion: r.confusion,
  };
}

import type { ExpressionClass } from "@mien/model";

export interface Share {
  expression: ExpressionClass;
  probability: number;
}

export interface Readout {
  /** False when the top probability is under the model's abstain threshold: the page says "unclear". */
  clear: boolean;
  /** The three most likely expressions, most likely first. */
  top: Share[];
}

/** Class shares sorted by probability, most likely first. */
export function rank(probabilities: readonly number[], classes: readonly ExpressionClass[]): Share[] {
  if (probabilities.length !== classes.length) {
    throw new Error(`Got ${probabilities.length} probabilities for ${classes.length} classes; the model and its description disagree.`);
  }
  return classes.map((expression, i) => ({ expression, probability: probabilities[i]! })).sort((a, b) => b.probability - a.probability);
}

export function describeReadout(probabilities: readonly number[], classes: readonly ExpressionClass[], abstainThreshold: number): Readout {
  const top = rank(probabilities, classes).slice(0, 3);
  return { clear: top[0]!.probability >= abstainThreshold, top };
}

export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** "surprise 40%" */
export function shareText(s: Share): string {
  return `${s.expression} ${percent(s.probability)}`;
}

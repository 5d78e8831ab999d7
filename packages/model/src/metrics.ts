/**
 * Classification metrics on row-major probability matrices (n × k), as plain TypeScript so the
 * trainer, the screening job and the browser report the same numbers.
 */

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Mean negative log-likelihood of the true class. */
  nll: number;
  /** Expected calibration error, 15 equal-width confidence bins. */
  ece: number;
  perClassF1: number[];
}

function argmaxRow(probs: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  let bestP = -Infinity;
  for (let j = 0; j < k; j++) {
    const p = probs[row * k + j]!;
    if (p > bestP) {
      bestP = p;
      best = j;
    }
  }
  return best;
}

export function predictions(probs: ArrayLike<number>, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(probs, i, k);
  return out;
}

export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]!]![predicted[i]!]! += 1;
  return m;
}

export function expectedCalibrationError(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number, bins = 15): number {
  const n = labels.length;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    const j = argmaxRow(probs, i, k);
    const p = probs[i * k + j]!;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]! += 1;
    conf[b]! += p;
    if (j === labels[i]) correct[b]! += 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(correct[b]! - conf[b]!) / n;
  return ece;
}

export function report(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): ClassificationReport {
  const n = labels.length;
  if (probs.length !== n * k) throw new Error(`report: ${probs.length} probabilities for ${n} labels × ${k} classes.`);
  const predicted = predictions(probs, k);
  const cm = confusionMatrix(labels, predicted, k);
  let hits = 0;
  let nll = 0;
  for (let i = 0; i < n; i++) {
    if (predicted[i] === labels[i]) hits++;
    nll -= Math.log(Math.max(probs[i * k + labels[i]!]!, 1e-12));
  }
  const perClassF1 = cm.map((row, c) => {
    const tp = row[c]!;
    const fn = row.reduce((a, b) => a + b, 0) - tp;
    const fp = cm.reduce((a, r) => a + r[c]!, 0) - tp;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return {
    n,
    accuracy: hits / n,
    macroF1: perClassF1.reduce((a, b) => a + b, 0) / k,
    nll: nll / n,
    ece: expectedCalibrationError(probs, labels, k),
    perClassF1,
  };
}

/** softmax(logits / T), row-wise. `logits` may be log-probabilities. */
export function softmaxWithTemperature(logits: ArrayLike<number>, k: number, temperature = 1): Float32Array {
  const n = logits.length / k;
  const out = new Float32Array(logits.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits[i * k + j]! / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[i * k + j]! / temperature - max);
      out[i * k + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[i * k + j]! /= sum;
  }
  return out;
}

/** Natural log of probabilities, floored, usable as logits. */
export function logProbs(probs: ArrayLike<number>): Float32Array {
  return Float32Array.from(probs as ArrayLike<number>, (p) => Math.log(Math.max(p, 1e-12)));
}

function meanNll(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number, t: number): number {
  const p = softmaxWithTemperature(logits, k, t);
  let s = 0;
  for (let i = 0; i < labels.length; i++) s -= Math.log(Math.max(p[i * k + labels[i]!]!, 1e-12));
  return s / labels.length;
}

/** Temperature minimising NLL (golden-section search on log T in [1/20, 20]). */
export function fitTemperature(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = meanNll(logits, labels, k, Math.exp(c));
  let fd = meanNll(logits, labels, k, Math.exp(d));
  for (let it = 0; it < 60; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = meanNll(logits, labels, k, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = meanNll(logits, labels, k, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

/**
 * Each class's share of the training images, add-one smoothed so that a class with no training
 * image still has a finite prior.
 */
export function classShares(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(1);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  const total = labels.length + k;
  return counts.map((c) => c / total);
}

/**
 * Logit offsets that undo part of the training set's class prior (post-hoc logit adjustment,
 * Menon et al. 2021): −strength · ln(share) per class. At strength 0 nothing changes; at 1 the
 * model reads every class as if the training set had been balanced.
 */
export function priorBias(trainShares: readonly number[], strength: number): number[] {
  return trainShares.map((s) => -strength * Math.log(s));
}

/** `logits` with `bias[j]` added to column j of every row. */
export function addClassBias(logits: ArrayLike<number>, k: number, bias: readonly number[]): Float32Array {
  if (bias.length !== k) throw new Error(`addClassBias: ${bias.length} offsets for ${k} classes.`);
  const out = Float32Array.from(logits as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) out[i]! += bias[i % k]!;
  return out;
}

/** The strengths `fitPriorStrength` chooses from. */
export const PRIOR_STRENGTHS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/**
 * The prior-correction strength with the highest macro-F1 on labelled (val) logits, among the
 * strengths that cost at most `maxAccuracyLoss` of accuracy against no correction. A coarse grid and
 * ties going to the weaker correction keep this one number from fitting val's noise; 0 when no
 * strength helps.
 */
export function fitPriorStrength(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  trainShares: readonly number[],
  maxAccuracyLoss = 0.01,
): number {
  const score = (strength: number) => {
    const r = report(softmaxWithTemperature(addClassBias(logits, k, priorBias(trainShares, strength)), k), labels, k);
    return { strength, accuracy: r.accuracy, macroF1: r.macroF1 };
  };
  const none = score(0);
  let best = none;
  for (const strength of PRIOR_STRENGTHS.slice(1)) {
    const s = score(strength);
    if (s.accuracy >= none.accuracy - maxAccuracyLoss && s.macroF1 > best.macroF1 + 1e-9) best = s;
  }
  return best.strength;
}

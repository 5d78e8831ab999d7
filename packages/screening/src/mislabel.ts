import { fitStandardizer, fitTemperature, LOGISTIC_HEAD, predictHead, softmaxWithTemperature, standardize, trainHead, type HeadConfig } from "@mien/model";

/**
 * Mislabel suspicion by confident learning (Northcutt, Jiang & Chuang, 2021): out-of-fold class
 * probabilities, per-class thresholds t_j (the mean probability of class j over the images labelled
 * j), and the confident joint of given and believed labels.
 *
 * An image is flagged only when both halves of the confident joint's off-diagonal condition hold,
 * and the first strictly: its given label's probability is below its class's threshold (scaled by
 * `givenFactor`) and below `givenCeiling`, and another class reaches its own threshold and beats
 * the given label. Why the stricter first half (and how strict) is measured in thresholds.ts: with
 * t_y alone, a 55%-accurate model flags a third of a clean set.
 */

export interface ConfidentLearningOptions {
  /** The given label is suspect below givenFactor × t_y (1 is cleanlab's threshold)… */
  givenFactor?: number;
  /** …and below this probability (1: no ceiling). */
  givenCeiling?: number;
}

export interface ConfidentLearning {
  /** t_j: the mean predicted probability of class j over the images labelled j (NaN when none are). */
  thresholds: Float64Array;
  /** Per image: the likeliest other class when the image is an issue; otherwise the given label. */
  suggested: Int32Array;
  /** Per image: 1 when flagged (see the rule above). */
  issue: Uint8Array;
  /** Per image: p̂(given label), the out-of-fold self-confidence. */
  selfConfidence: Float32Array;
  /** Per image: p̂ of the likeliest class other than the given one (the suggestion when an issue). */
  otherConfidence: Float32Array;
  /** Per image: the likeliest class other than the given one. */
  other: Int32Array;
  /** Per image: 1 − self-confidence; the review order (the best-measured ranking, see thresholds.ts). */
  suspicion: Float32Array;
  /** C[given][believed]: images whose likeliest class at or above its threshold is `believed` (rows: given label). */
  confidentJoint: number[][];
}

/** `probs` is n × k row-major out-of-fold probabilities; `labels` the given class of each row. */
export function confidentLearning(probs: Float32Array, labels: Int32Array, k: number, options: ConfidentLearningOptions = {}): ConfidentLearning {
  const { givenFactor = 1, givenCeiling = 1 } = options;
  const n = labels.length;
  if (probs.length !== n * k) throw new Error(`Expected ${n}×${k} probabilities, got ${probs.length} values.`);
  if (!(givenFactor > 0 && givenFactor <= 1)) throw new Error(`givenFactor must be in (0, 1]; got ${givenFactor}.`);
  if (!(givenCeiling > 0 && givenCeiling <= 1)) throw new Error(`givenCeiling must be in (0, 1]; got ${givenCeiling}.`);
  const sums = new Float64Array(k);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y < 0 || y >= k) throw new Error(`Label ${y} of row ${i} is outside the ${k} classes.`);
    sums[y]! += probs[i * k + y]!;
    counts[y]! += 1;
  }
  const thresholds = Float64Array.from(sums, (s, j) => (counts[j] ? s / counts[j]! : Number.NaN));
  const suggested = new Int32Array(n);
  const issue = new Uint8Array(n);
  const selfConfidence = new Float32Array(n);
  const otherConfidence = new Float32Array(n);
  const other = new Int32Array(n);
  const suspicion = new Float32Array(n);
  const confidentJoint = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    const y = labels[i]!;
    let confident = -1;
    let best = -1;
    for (let j = 0; j < k; j++) {
      // A class with no labelled images has no threshold (NaN), so it is never confidently believed.
      if (row[j]! >= thresholds[j]! && (confident < 0 || row[j]! > row[confident]!)) confident = j;
      if (j !== y && (best < 0 || row[j]! > row[best]!)) best = j;
    }
    if (confident >= 0) confidentJoint[y]![confident]! += 1;
    const isIssue = row[y]! < Math.min(givenFactor * thresholds[y]!, givenCeiling) && row[best]! >= thresholds[best]! && row[best]! > row[y]!;
    suggested[i] = isIssue ? best : y;
    issue[i] = isIssue ? 1 : 0;
    selfConfidence[i] = row[y]!;
    otherConfidence[i] = row[best]!;
    other[i] = best;
    suspicion[i] = 1 - row[y]!;
  }
  return { thresholds, suggested, issue, selfConfidence, otherConfidence, other, suspicion, confidentJoint };
}

export interface OutOfFoldOptions {
  folds?: number;
  seed?: number;
  /**
   * Each fold's classifier trains on at most this many images (a stratified sample), so that
   * 420k images cost five fits of bounded size; every image still gets a held-out prediction.
   */
  maxTrainPerFold?: number;
  head?: HeadConfig;
  /**
   * The same images mirrored (n × dim, same row order): each fold also trains on the mirrored
   * rows, and every image's prediction is the mean log-probability of it and its mirror.
   */
  mirrored?: Float32Array;
  log?: (message: string) => void;
}

/** A seeded shuffle (mulberry32), so folds and samples repeat from run to run. */
function shuffled(values: number[], seed: number): number[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function groupBy(rows: readonly number[], key: (row: number) => number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const r of rows) {
    const k = key(r);
    const members = groups.get(k);
    if (members) members.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

/** Fold of each row: every class is dealt round-robin over the folds after a seeded shuffle. */
export function stratifiedFolds(labels: Int32Array, folds: number, seed = 1): Int32Array {
  const fold = new Int32Array(labels.length);
  const byClass = groupBy(Array.from(labels.keys()), (i) => labels[i]!);
  for (const [y, rows] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    shuffled(rows, seed + y).forEach((row, pos) => (fold[row] = pos % folds));
  }
  return fold;
}

function gather(x: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(x.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Per row, softmax of the mean of two rows' log-probabilities (a geometric mean, renormalised). */
function meanLogProbabilities(a: Float32Array, b: Float32Array, k: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i += k) {
    let sum = 0;
    for (let j = i; j < i + k; j++) sum += out[j] = Math.sqrt(Math.max(a[j]!, 1e-12) * Math.max(b[j]!, 1e-12));
    for (let j = i; j < i + k; j++) out[j]! /= sum;
  }
  return out;
}

/** At most `max` of `rows`, keeping each class's share (a stratified sample, seeded). */
function sampleRows(rows: number[], labels: Int32Array, max: number, seed: number): number[] {
  if (rows.length <= max) return rows;
  const byClass = groupBy(rows, (r) => labels[r]!);
  const out: number[] = [];
  for (const [y, members] of byClass) out.push(...shuffled(members, seed + 7 * y).slice(0, Math.max(1, Math.round((members.length * max) / rows.length))));
  return out;
}

/**
 * Out-of-fold class probabilities (n × k): each row is predicted by a multinomial logistic
 * regression (the dense head of @mien/model without hidden layers) that never saw it.
 */
export async function outOfFoldProbabilities(
  x: Float32Array,
  labels: Int32Array,
  dim: number,
  k: number,
  options: OutOfFoldOptions = {},
): Promise<Float32Array> {
  const { folds = 5, seed = 1, maxTrainPerFold = 50_000, head = LOGISTIC_HEAD, mirrored, log = () => {} } = options;
  if (mirrored && mirrored.length !== x.length) throw new Error(`Expected ${x.length} mirrored embedding values, got ${mirrored.length}.`);
  const n = labels.length;
  if (x.length !== n * dim) throw new Error(`Expected ${n}×${dim} embedding values, got ${x.length}.`);
  if (n < folds * 2) throw new Error(`Confident learning needs at least ${folds * 2} embedded images for ${folds} folds; there are ${n}.`);
  const fold = stratifiedFolds(labels, folds, seed);
  const probs = new Float32Array(n * k);
  for (let f = 0; f < folds; f++) {
    const test: number[] = [];
    const rest: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : rest).push(i);
    const train = sampleRows(rest, labels, maxTrainPerFold, seed + f);
    // A tenth of the training rows decides when to stop (early stopping on held-out loss).
    const order = shuffled(train, seed + 100 + f);
    const cut = Math.max(1, Math.floor(order.length / 10));
    const stopRows = order.slice(0, cut);
    const fitRows = order.slice(cut);
    const trainX = mirrored ? concat(gather(x, dim, fitRows), gather(mirrored, dim, fitRows)) : gather(x, dim, fitRows);
    const trainY = Int32Array.from(mirrored ? [...fitRows, ...fitRows] : fitRows, (r) => labels[r]!);
    const scaler = fitStandardizer(trainX, dim);
    const trained = await trainHead(
      { x: standardize(trainX, scaler), y: trainY },
      { x: standardize(gather(x, dim, stopRows), scaler), y: Int32Array.from(stopRows, (r) => labels[r]!) },
      dim,
      k,
      { ...head, seed: seed + f },
    );
    let predicted = await predictHead(trained.model, standardize(gather(x, dim, test), scaler), dim);
    if (mirrored) predicted = meanLogProbabilities(predicted, await predictHead(trained.model, standardize(gather(mirrored, dim, test), scaler), dim), k);
    trained.model.dispose();
    test.forEach((row, i) => probs.set(predicted.subarray(i * k, (i + 1) * k), row * k));
    log(`fold ${f + 1}/${folds}: trained on ${fitRows.length}, ${trained.epochsRun} epochs, predicted ${test.length}`);
  }
  return probs;
}

/**
 * Zero-shot probabilities made comparable with out-of-fold ones: the mean log-probability of a face
 * and its mirror, divided by the temperature that best fits the given labels (face-api's raw output
 * is over-confident: the fitted temperature was 4.8 on FER2013 train and val alike). Columns of
 * classes the zero-shot model lacks (`known[j]` false) stay 0, and rows labelled with them do not
 * take part in the fit.
 */
export function calibratedZeroShot(
  face: Float32Array,
  mirrored: Float32Array,
  labels: Int32Array,
  k: number,
  known: readonly boolean[],
): { probs: Float32Array; temperature: number } {
  if (face.length !== labels.length * k || mirrored.length !== face.length)
    throw new Error(`Expected ${labels.length}×${k} zero-shot probabilities for faces and mirrors.`);
  const columns = Array.from({ length: k }, (_, j) => j).filter((j) => known[j]);
  const m = columns.length;
  const logits = new Float32Array(labels.length * m);
  for (let i = 0; i < labels.length; i++) {
    columns.forEach((j, c) => (logits[i * m + c] = (Math.log(Math.max(face[i * k + j]!, 1e-6)) + Math.log(Math.max(mirrored[i * k + j]!, 1e-6))) / 2));
  }
  const fitRows = Array.from(labels.keys()).filter((i) => known[labels[i]!]);
  const temperature =
    fitRows.length > 0
      ? fitTemperature(
          Float32Array.from(fitRows.flatMap((i) => Array.from(logits.subarray(i * m, (i + 1) * m)))),
          Int32Array.from(fitRows, (i) => columns.indexOf(labels[i]!)),
          m,
        )
      : 1;
  const scaled = softmaxWithTemperature(logits, m, temperature);
  const probs = new Float32Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) columns.forEach((j, c) => (probs[i * k + j] = scaled[i * m + c]!));
  return { probs, temperature };
}

/** Pretrained probabilities to mix with the out-of-fold ones (see mixProbabilities). */
export interface ProbabilitySource {
  /** n × k, in the same rows and classes as the out-of-fold probabilities. */
  probs: Float32Array;
  /** Per class, whether this source has it (a missing class's column is ignored). */
  known: readonly boolean[];
  /** Its share of the mix; the out-of-fold model gets what the sources leave (1 − their sum). */
  weight: number;
  /** Per row, 0 where this source has no probabilities (its share goes to the others); default: every row. */
  present?: Uint8Array;
}

/**
 * A weighted mean of out-of-fold and pretrained probabilities, row by row. For classes a source
 * lacks, it defers to the out-of-fold model: those columns take its probability and the source's
 * row shrinks to fill the rest, so a class a pretrained model never heard of (contempt) is not
 * voted down.
 */
export function mixProbabilities(outOfFold: Float32Array, sources: readonly ProbabilitySource[], k: number): Float32Array {
  const total = sources.reduce((s, src) => s + src.weight, 0);
  if (sources.some((src) => !(src.weight > 0)) || !(total < 1))
    throw new Error(`Source weights must be positive and sum below 1; got ${sources.map((s) => s.weight).join(", ")}.`);
  for (const src of sources)
    if (src.probs.length !== outOfFold.length) throw new Error(`Cannot mix ${outOfFold.length} and ${src.probs.length} probabilities.`);
  const out = new Float32Array(outOfFold.length);
  for (let r = 0, i = 0; i < outOfFold.length; r++, i += k) {
    const here = sources.filter((src) => !src.present || src.present[r]);
    // Rows a source has no say on keep the others' proportions.
    const scale = 1 / (1 - total + here.reduce((s, src) => s + src.weight, 0));
    for (let j = 0; j < k; j++) out[i + j] = (1 - total) * scale * outOfFold[i + j]!;
    for (const src of here) {
      let unknownMass = 0;
      for (let j = 0; j < k; j++) if (!src.known[j]) unknownMass += outOfFold[i + j]!;
      for (let j = 0; j < k; j++) out[i + j]! += src.weight * scale * (src.known[j] ? src.probs[i + j]! * (1 - unknownMass) : outOfFold[i + j]!);
    }
  }
  return out;
}

import { fitStandardizer, LOGISTIC_HEAD, predictHead, standardize, trainHead, type HeadConfig } from "@mien/model";

/**
 * Mislabel suspicion by confident learning (Northcutt, Jiang & Chuang, 2021): out-of-fold
 * class probabilities from a classifier on frozen face embeddings, per-class thresholds, and
 * the confident joint of given and believed labels.
 *
 * An image is an issue when it sits off the diagonal of the confident joint AND the model's
 * likeliest class is not its label (cleanlab's "confident_learning" ∩ "predicted_neq_given"),
 * i.e. the likeliest class reaches its own threshold and differs from the given label. The
 * confident joint alone is too eager with rare classes: with 9 contempt images the contempt
 * threshold is 0.003, so every face whose own class fell a little short of its threshold
 * became "contempt" (measured: 1,446 of 13,680 corpus faces).
 */

export interface ConfidentLearning {
  /** t_j: the mean predicted probability of class j over the images labelled j (NaN when none are). */
  thresholds: Float64Array;
  /**
   * Per image: the model's likeliest class when it reaches that class's threshold and differs
   * from the given label (an issue); otherwise the given label (no confident alternative).
   */
  suggested: Int32Array;
  /** Per image: 1 when the suggested label differs from the given one. */
  issue: Uint8Array;
  /** Per image: p̂(given label), the out-of-fold self-confidence. */
  selfConfidence: Float32Array;
  /** Per image: 1 − self-confidence. Ranking by it is confident learning's "self_confidence" order. */
  suspicion: Float32Array;
  /** C[given][believed]: how many images confidently sit in each cell (rows: given label). */
  confidentJoint: number[][];
}

/** `probs` is n × k row-major out-of-fold probabilities; `labels` the given class of each row. */
export function confidentLearning(probs: Float32Array, labels: Int32Array, k: number): ConfidentLearning {
  const n = labels.length;
  if (probs.length !== n * k) throw new Error(`Expected ${n}×${k} probabilities, got ${probs.length} values.`);
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
  const suspicion = new Float32Array(n);
  const confidentJoint = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    let confident = -1;
    let likeliest = 0;
    for (let j = 0; j < k; j++) {
      if (row[j]! > row[likeliest]!) likeliest = j;
      // A class with no labelled images has no threshold, so it is never confidently believed.
      if (row[j]! >= thresholds[j]! && (confident < 0 || row[j]! > row[confident]!)) confident = j;
    }
    const y = labels[i]!;
    if (confident >= 0) confidentJoint[y]![confident]! += 1;
    const isIssue = confident >= 0 && confident !== y && confident === likeliest;
    suggested[i] = isIssue ? confident : y;
    issue[i] = isIssue ? 1 : 0;
    selfConfidence[i] = row[y]!;
    suspicion[i] = 1 - row[y]!;
  }
  return { thresholds, suggested, issue, selfConfidence, suspicion, confidentJoint };
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
export async function outOfFoldProbabilities(x: Float32Array, labels: Int32Array, dim: number, k: number, options: OutOfFoldOptions = {}): Promise<Float32Array> {
  const { folds = 5, seed = 1, maxTrainPerFold = 50_000, head = LOGISTIC_HEAD, log = () => {} } = options;
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
    const trainX = gather(x, dim, fitRows);
    const scaler = fitStandardizer(trainX, dim);
    const trained = await trainHead(
      { x: standardize(trainX, scaler), y: Int32Array.from(fitRows, (r) => labels[r]!) },
      { x: standardize(gather(x, dim, stopRows), scaler), y: Int32Array.from(stopRows, (r) => labels[r]!) },
      dim,
      k,
      { ...head, seed: seed + f },
    );
    const predicted = await predictHead(trained.model, standardize(gather(x, dim, test), scaler), dim);
    trained.model.dispose();
    test.forEach((row, i) => probs.set(predicted.subarray(i * k, (i + 1) * k), row * k));
    log(`fold ${f + 1}/${folds}: trained on ${fitRows.length}, ${trained.epochsRun} epochs, predicted ${test.length}`);
  }
  return probs;
}

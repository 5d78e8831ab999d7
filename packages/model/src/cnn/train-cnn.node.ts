import type { EpochResult } from "../training/head-trainer.ts";
import { permutation, rng, seedOf } from "../training/random.ts";
import { progressiveSide, type ProgressiveResize } from "./architectures.ts";
import { drawAugmentations, type ImageAugmentation } from "./augment-draws.ts";
import { cohortDropRate, cohortMutualWeight } from "./cohort.ts";
import type { NetSpec } from "./create-net.ts";
import type { TrainingDataset } from "./dataset-buffer.ts";
import { GradientWorkers } from "./gradient-workers.node.ts";
import type { ShardRef } from "./protocol.ts";
import { sgdStep } from "./sgd.ts";
import type { InputNorm } from "./shard.ts";

export interface CnnTrainingOptions {
  net: NetSpec;
  norm: InputNorm;
  epochs: number;
  batchSize: number;
  /** Each step is split into this many equal shards (ghost batches for BN): the result depends on it, not on threads. */
  shards: number;
  threads: number;
  backend?: string;
  /** Peak learning rate, reached after `warmupEpochs` of linear warm-up, then cosine to 0 by the last step. */
  learningRate: number;
  warmupEpochs: number;
  momentum: number;
  weightDecay: number;
  labelSmoothing: number;
  /** Distillation: the share of each target that is the teacher's (CnnSplit.soft); 0 for none. */
  distillWeight?: number;
  classWeights: Float32Array | null;
  augment: ImageAugmentation;
  /** BN running averages: running = m·running + (1 − m)·batch. */
  bnMomentum: number;
  /**
   * Weight averaging: when set, an exponential moving average of the weights (and BN running
   * statistics), avg = d·avg + (1 − d)·weights after every step, runs beside the live weights.
   * d ramps up as min(d, (1 + step) / (10 + step)) so early steps are not over-weighted. Each epoch
   * val scores both and keeps the better (the average on a tie), so averaging cannot cost val
   * accuracy: it leads mid-run, but a schedule that decays to zero lets the live weights pass it.
   */
  emaDecay?: number;
  /** Progressive resizing (pixels only): early epochs train on smaller faces; val always sees the full side. */
  progressive?: ProgressiveResize;
  seed: number;
}

export interface CnnSplit {
  indices: Int32Array;
  labels: Int32Array;
  /** Another row of each image (its mirrored copy's features): each epoch picks one of the two per image. */
  alternates?: Int32Array;
  /** Distillation: a teacher's probabilities for each position, [positions × classes]. */
  soft?: Float32Array;
}

/** Everything needed to continue after an epoch, and the best epoch so far. */
export interface CnnCheckpoint {
  fingerprint: string;
  epoch: number;
  params: Float32Array[];
  velocity: Float32Array[];
  state: Float32Array[];
  /** `averaged`: the best weights are the average (runs with weight averaging; absent in older checkpoints, which always kept it). */
  best: { epoch: number; valAccuracy: number; params: Float32Array[]; state: Float32Array[]; averaged?: boolean };
  /** Weight averaging's running average (when the run uses it). */
  average?: { params: Float32Array[]; state: Float32Array[] };
  history: EpochResult[];
  finished: boolean;
  /** Distillation: the teacher's targets the run trains with, per train image (kept so a resumed run need not recompute them). */
  teacher?: Float32Array;
}

export interface CnnTrainingHooks {
  resume?: CnnCheckpoint | null;
  fingerprint: string;
  log?(line: string): void;
  onBatch?(epoch: number, batch: number, batches: number): Promise<void>;
  onEpoch?(result: EpochResult, checkpoint: CnnCheckpoint): Promise<void>;
}

export interface CnnTrainingResult {
  paramNames: string[];
  paramShapes: number[][];
  stateNames: string[];
  /** The best epoch's weights (by val accuracy): the average or the live weights, whichever val chose. */
  params: Float32Array[];
  state: Float32Array[];
  bestEpoch: number;
  /** Whether `params` are the weights' moving average (only with weight averaging). */
  bestAveraged: boolean;
  history: EpochResult[];
  backend: string;
  imagesPerSecond: number;
}

/** The loss became NaN or blew up: the job stops, and the last epoch's checkpoint stays as it was. */
export class TrainingDivergedError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "TrainingDivergedError";
  }
}

/** Rows `positions` of a row-major [rows × width] array, in that order. */
export function selectRows(values: Float32Array, positions: Int32Array, width: number): Float32Array {
  const out = new Float32Array(positions.length * width);
  positions.forEach((p, i) => out.set(values.subarray(p * width, (p + 1) * width), i * width));
  return out;
}

const copy = (arrays: readonly Float32Array[]) => arrays.map((a) => a.slice());

export function learningRateAtStep(
  o: Pick<CnnTrainingOptions, "learningRate" | "warmupEpochs">,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number {
  const warm = o.warmupEpochs * stepsPerEpoch;
  if (step < warm) return (o.learningRate * (step + 1)) / warm;
  const t = (step - warm) / Math.max(1, totalSteps - warm);
  return 0.5 * o.learningRate * (1 + Math.cos(Math.PI * Math.min(1, t)));
}

/** Softmax cross-entropy and accuracy of logits against labels. */
export function scoreLogits(logits: Float32Array, labels: Int32Array, classes: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    let max = -Infinity;
    let arg = 0;
    for (let c = 0; c < classes; c++) {
      if (row[c]! > max) {
        max = row[c]!;
        arg = c;
      }
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c]! - max);
    loss += Math.log(sum) + max - row[labels[i]!]!;
    if (arg === labels[i]) correct++;
  }
  return { loss: loss / labels.length, accuracy: correct / labels.length };
}

/**
 * Trains a network from pixels with data parallelism over worker threads: per step, the batch
 * is split into `shards`, the workers return shard gradients, and their sum (the batch mean's
 * gradient) drives SGD here. Each epoch ends with a val evaluation and a checkpoint; a resumed
 * run continues after the checkpoint's epoch with the same shuffles and augmentations.
 */
export async function trainCnn(
  data: TrainingDataset,
  train: CnnSplit,
  val: CnnSplit,
  o: CnnTrainingOptions,
  hooks: CnnTrainingHooks,
  workersIn?: GradientWorkers,
): Promise<CnnTrainingResult> {
  const log = hooks.log ?? (() => {});
  const classes = o.net.classes;
  // Fine-tuning passes workers that already ran the trunk; they are the caller's to close.
  const workers = workersIn ?? (await GradientWorkers.start(o.threads, { net: o.net, seed: o.seed, backend: o.backend, data, norm: o.norm }));
  try {
    log(`conv training on ${workers.threads} thread(s), backend ${workers.backend}, ${o.shards} shard(s) per step`);
    const decay = workers.paramNames.map((n) => n.endsWith("/kernel"));
    let params: Float32Array[];
    let state: Float32Array[];
    let velocity: Float32Array[];
    let history: EpochResult[] = [];
    let best: CnnCheckpoint["best"];
    let average: CnnCheckpoint["average"];
    let startEpoch = 1;
    const resume = hooks.resume && hooks.resume.fingerprint === hooks.fingerprint ? hooks.resume : null;
    if (resume) {
      ({ params, state, velocity, history, best } = {
        params: copy(resume.params),
        state: copy(resume.state),
        velocity: copy(resume.velocity),
        history: [...resume.history],
        best: resume.best,
      });
      average = resume.average && { params: copy(resume.average.params), state: copy(resume.average.state) };
      startEpoch = resume.epoch + 1;
      log(`resuming after epoch ${resume.epoch}`);
    } else {
      ({ params, state } = await workers.initialWeights());
      velocity = params.map((p) => new Float32Array(p.length));
      best = { epoch: 0, valAccuracy: -1, params: copy(params), state: copy(state) };
    }
    if (o.emaDecay !== undefined && !average) average = { params: copy(params), state: copy(state) };
    const softWeight = train.soft ? (o.distillWeight ?? 0) : 0;
    if (train.soft && train.soft.length !== train.indices.length * classes)
      throw new Error(`The teacher gave ${train.soft.length / classes} rows of probabilities for ${train.indices.length} training images.`);
    const stateIndex = new Map(workers.stateNames.map((n, i) => [n, i]));
    const n = train.indices.length;
    const stepsPerEpoch = Math.ceil(n / o.batchSize);
    const totalSteps = stepsPerEpoch * o.epochs;
    let images = 0;
    let busySeconds = 0;
    let lastGoodLoss = Number.NaN;
    for (let epoch = startEpoch; epoch <= o.epochs && !resume?.finished; epoch++) {
      const started = performance.now();
      const order = permutation(n, seedOf(`${o.seed}/epoch/${epoch}`));
      let lossSum = 0;
      let correct = 0;
      let lr = 0;
      const mutualWeight = o.net.kind === "cohort" ? cohortMutualWeight(o.net, epoch) : undefined;
      const dropRate = o.net.kind === "cohort" ? cohortDropRate(o.net, epoch) : 0;
      const side = data.kind === "pixels" ? progressiveSide(data.side, o.progressive, epoch) : undefined;
      const smaller = data.kind === "pixels" && side !== data.side ? { side } : {};
      for (let b = 0; b < stepsPerEpoch; b++) {
        const step = (epoch - 1) * stepsPerEpoch + b;
        lr = learningRateAtStep(o, step, stepsPerEpoch, totalSteps);
        const batch = order.subarray(b * o.batchSize, Math.min(n, (b + 1) * o.batchSize));
        const shards: ShardRef[] = [];
        const per = Math.ceil(batch.length / o.shards);
        for (let s = 0; s < o.shards; s++) {
          const pos = batch.subarray(s * per, Math.min(batch.length, (s + 1) * per));
          if (!pos.length) continue;
          const coin = train.alternates ? rng(seedOf(`${o.seed}/alt/${step}/${s}`)) : null;
          const indices = Int32Array.from(pos, (i) => (coin && coin() < 0.5 ? train.alternates![i]! : train.indices[i]!));
          shards.push({
            indices,
            labels: Int32Array.from(pos, (i) => train.labels[i]!),
            draws: data.kind === "pixels" ? drawAugmentations(indices.length, data.side, o.augment, seedOf(`${o.seed}/aug/${step}/${s}`)) : null,
            classWeights: o.classWeights,
            labelSmoothing: o.labelSmoothing,
            soft: softWeight > 0 ? selectRows(train.soft!, pos, classes) : null,
            softWeight,
            mutualWeight,
            ...(dropRate > 0 ? { dropRate } : {}),
            ...smaller,
            batchTotal: batch.length,
            dropoutSeed: seedOf(`${o.seed}/drop/${step}/${s}`),
          });
        }
        const results = await workers.step(params, shards);
        const grads = params.map((p) => new Float32Array(p.length));
        let stepLoss = 0;
        for (const r of results) {
          r.grads.forEach((g, i) => {
            const sum = grads[i]!;
            for (let j = 0; j < g.length; j++) sum[j] = sum[j]! + g[j]!;
          });
          stepLoss += r.loss;
          correct += r.correct;
        }
        if (!Number.isFinite(stepLoss) || (Number.isFinite(lastGoodLoss) && stepLoss > 50 * Math.max(lastGoodLoss, 1))) {
          throw new TrainingDivergedError(
            `Training diverged in epoch ${epoch}, step ${b + 1}: the loss became ${Number.isFinite(stepLoss) ? stepLoss.toFixed(2) : String(stepLoss)}. The checkpoint after epoch ${epoch - 1} is kept; lower the learning rate (now ${lr.toPrecision(3)}) and retrain.`,
          );
        }
        lastGoodLoss = stepLoss;
        sgdStep(params, grads, velocity, decay, lr, { momentum: o.momentum, nesterov: true, weightDecay: o.weightDecay });
        updateRunningStats(state, stateIndex, results, o.bnMomentum);
        if (average) {
          const d = Math.min(o.emaDecay!, (1 + step) / (10 + step));
          moveAverage(average.params, params, d);
          moveAverage(average.state, state, d);
        }
        lossSum += stepLoss * batch.length;
        images += batch.length;
        await hooks.onBatch?.(epoch, b + 1, stepsPerEpoch);
      }
      busySeconds += (performance.now() - started) / 1000;
      // With weight averaging, val scores the average and the live weights and keeps the better.
      const live = scoreLogits(await workers.predict(params, state, val.indices, false, classes), val.labels, classes);
      const averaged = average ? scoreLogits(await workers.predict(average.params, average.state, val.indices, false, classes), val.labels, classes) : null;
      const useAverage = averaged !== null && averaged.accuracy >= live.accuracy;
      const v = useAverage ? averaged : live;
      const judged = useAverage ? average! : { params, state };
      const result: EpochResult = { epoch, loss: lossSum / n, accuracy: correct / n, valLoss: v.loss, valAccuracy: v.accuracy, learningRate: lr };
      history = [...history, result];
      if (v.accuracy > best.valAccuracy)
        best = { epoch, valAccuracy: v.accuracy, params: copy(judged.params), state: copy(judged.state), ...(average ? { averaged: useAverage } : {}) };
      const both = averaged
        ? ` (averaged ${(averaged.accuracy * 100).toFixed(2)}%, live ${(live.accuracy * 100).toFixed(2)}%: ${useAverage ? "the average" : "the live weights"})`
        : "";
      log(
        `epoch ${epoch}/${o.epochs}${"side" in smaller ? ` at ${smaller.side} px` : ""}: loss ${result.loss.toFixed(4)} acc ${(result.accuracy * 100).toFixed(1)}% val loss ${v.loss.toFixed(4)} val acc ${(v.accuracy * 100).toFixed(2)}%${both} lr ${lr.toPrecision(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
      await hooks.onEpoch?.(result, { fingerprint: hooks.fingerprint, epoch, params, velocity, state, best, average, history, finished: epoch === o.epochs });
    }
    return {
      paramNames: workers.paramNames,
      paramShapes: workers.paramShapes,
      stateNames: workers.stateNames,
      params: best.params,
      state: best.state,
      bestEpoch: best.epoch,
      // Checkpoints written before val chose between the two kept the average whenever the run averaged.
      bestAveraged: best.averaged ?? (o.emaDecay !== undefined && best.epoch > 0),
      history,
      backend: workers.backend,
      imagesPerSecond: busySeconds > 0 ? images / busySeconds : 0,
    };
  } finally {
    if (!workersIn) await workers.close();
  }
}

/** avg ← d·avg + (1 − d)·value, array by array. */
function moveAverage(avg: Float32Array[], values: readonly Float32Array[], d: number) {
  avg.forEach((a, i) => {
    const v = values[i]!;
    for (let j = 0; j < a.length; j++) a[j] = d * a[j]! + (1 - d) * v[j]!;
  });
}

/** Running BN statistics from the shards' batch statistics (combined as one batch would be). */
function updateRunningStats(
  state: Float32Array[],
  index: Map<string, number>,
  results: { stats: { name: string; mean: Float32Array; variance: Float32Array }[] }[],
  m: number,
) {
  if (!results.length) return;
  const layers = results[0]!.stats.map((s) => s.name);
  layers.forEach((name, li) => {
    const mi = index.get(`${name}/mean`);
    const vi = index.get(`${name}/variance`);
    if (mi === undefined || vi === undefined) return;
    const running = state[mi]!;
    const runningVar = state[vi]!;
    const k = results.length;
    for (let c = 0; c < running.length; c++) {
      let mean = 0;
      for (const r of results) mean += r.stats[li]!.mean[c]!;
      mean /= k;
      let variance = 0;
      for (const r of results) {
        const d = r.stats[li]!.mean[c]! - mean;
        variance += r.stats[li]!.variance[c]! + d * d;
      }
      variance /= k;
      running[c] = m * running[c]! + (1 - m) * mean;
      runningVar[c] = m * runningVar[c]! + (1 - m) * variance;
    }
  });
}

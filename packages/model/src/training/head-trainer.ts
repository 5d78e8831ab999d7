import * as tf from "@tensorflow/tfjs";

import { buildTrainableHead, kernelSquares, type HeadSpec } from "./head-model.ts";
import { learningRateAt, type LearningRateSchedule } from "./lr-schedule.ts";
import { permutation, seedOf } from "./random.ts";
import type { TensorRecord } from "./tensor-pack.ts";

/** One finished epoch. */
export interface EpochResult {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  learningRate: number;
}

/** Everything needed to continue training after the last finished epoch, in a fresh process. */
export interface HeadCheckpoint {
  /** Ties the checkpoint to one config and data set; a mismatch means start over. */
  fingerprint: string;
  epoch: number;
  history: EpochResult[];
  bestEpoch: number;
  bestValLoss: number;
  /** Early stopping fired (or the last epoch ran): nothing is left to train. */
  finished: boolean;
  weights: TensorRecord[];
  bestWeights: TensorRecord[];
  optimizer: TensorRecord[];
}

export interface HeadTrainingData {
  /** Standardised features, row-major [n, dim]. */
  train: { x: Float32Array; y: Int32Array };
  val: { x: Float32Array; y: Int32Array };
}

export interface HeadTrainingOptions {
  spec: HeadSpec;
  epochs: number;
  batchSize: number;
  learningRate: LearningRateSchedule;
  earlyStopping: { enabled: boolean; patience: number };
  /** Per-class loss weights (class balancing), or none. */
  classWeights?: readonly number[];
  fingerprint: string;
}

export interface HeadTrainingHooks {
  /** A checkpoint to continue from (ignored when its fingerprint differs). */
  resume?: HeadCheckpoint | null;
  /** After every batch; awaited, so it may throw to stop training (cancel, lost lock). */
  onBatch?: (epoch: number, batch: number, batches: number) => Promise<void>;
  /** After every epoch, with a checkpoint to persist before training goes on. */
  onEpoch?: (result: EpochResult, checkpoint: HeadCheckpoint) => Promise<void>;
  log?: (line: string) => void;
}

export interface TrainedHeadResult {
  /** The head with the best-val-loss weights. */
  model: tf.Sequential;
  history: EpochResult[];
  bestEpoch: number;
  bestValLoss: number;
  resumedFrom: number;
}

const MIN_DELTA = 1e-4;

async function records(tensors: ReadonlyArray<{ name: string; tensor: tf.Tensor }>): Promise<TensorRecord[]> {
  return Promise.all(tensors.map(async ({ name, tensor }) => ({ name, shape: tensor.shape, values: Float32Array.from(await tensor.data()) })));
}

function weightsOf(model: tf.LayersModel): Promise<TensorRecord[]> {
  return records(model.getWeights().map((t, i) => ({ name: `w${i}`, tensor: t })));
}

function setModelWeights(model: tf.LayersModel, weights: readonly TensorRecord[]): void {
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Mean cross-entropy and accuracy of the head on a data set, in batches, without dropout. */
export function evaluateHead(model: tf.LayersModel, x: Float32Array, y: Int32Array, dim: number, k: number, batch = 2048): { loss: number; accuracy: number } {
  const n = y.length;
  let loss = 0;
  let hits = 0;
  for (let i = 0; i < n; i += batch) {
    const rows = Math.min(batch, n - i);
    const [l, h] = tf.tidy(() => {
      const logits = model.predict(tf.tensor2d(x.subarray(i * dim, (i + rows) * dim), [rows, dim])) as tf.Tensor2D;
      const labels = tf.tensor1d(y.subarray(i, i + rows), "int32");
      const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, k), logits, undefined, undefined, tf.Reduction.SUM);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32"));
      return [ce.dataSync()[0]!, correct.dataSync()[0]!];
    });
    loss += l;
    hits += h;
  }
  return { loss: loss / n, accuracy: hits / n };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains the dense head with Adam, a learning-rate schedule and early stopping on val loss,
 * keeping the best epoch's weights. Each epoch ends with a checkpoint (weights, best weights,
 * Adam moments, history), and `resume` continues from one exactly where it stopped: shuffles
 * are seeded per epoch, so a resumed run sees the same batches as an uninterrupted one.
 */
export async function trainHeadWithCheckpoints(
  data: HeadTrainingData,
  options: HeadTrainingOptions,
  hooks: HeadTrainingHooks = {},
): Promise<TrainedHeadResult> {
  const { spec, batchSize, epochs } = options;
  const dim = spec.inputDim;
  const k = spec.numClasses;
  const n = data.train.y.length;
  if (n === 0) throw new Error("No training images: the snapshot has none of the chosen classes in its train split.");
  if (data.val.y.length === 0) throw new Error("No validation images: the snapshot needs a val split with the chosen classes.");
  if (data.train.x.length !== n * dim) throw new Error(`Training features hold ${data.train.x.length} values, expected ${n}×${dim}.`);

  const model = buildTrainableHead(spec);
  const optimizer = tf.train.adam(options.learningRate.initial);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const log = hooks.log ?? (() => {});
  const classWeights = options.classWeights ? tf.tensor1d([...options.classWeights]) : null;

  let history: EpochResult[] = [];
  let bestEpoch = 0;
  let bestValLoss = Infinity;
  let bestWeights: TensorRecord[] = [];
  let startEpoch = 1;
  let finished = false;
  const resume = hooks.resume && hooks.resume.fingerprint === options.fingerprint ? hooks.resume : null;
  if (hooks.resume && !resume) log("checkpoint ignored: it belongs to another config or data set");
  if (resume) {
    setModelWeights(model, resume.weights);
    await optimizer.setWeights(resume.optimizer.map((r) => ({ name: r.name, tensor: tf.tensor(r.values, r.shape) })));
    history = [...resume.history];
    bestEpoch = resume.bestEpoch;
    bestValLoss = resume.bestValLoss;
    bestWeights = resume.bestWeights;
    startEpoch = resume.epoch + 1;
    finished = resume.finished;
    log(`resuming after epoch ${resume.epoch} (best so far: epoch ${bestEpoch}, val loss ${bestValLoss.toFixed(4)})`);
  }

  const batches = Math.ceil(n / batchSize);
  const xBuf = new Float32Array(batchSize * dim);
  const yBuf = new Int32Array(batchSize);
  try {
    for (let epoch = startEpoch; epoch <= epochs && !finished; epoch++) {
      const lr = learningRateAt(options.learningRate, epoch, epochs);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const order = permutation(n, seedOf(`${options.fingerprint}:${spec.seed}:${epoch}`));
      let lossSum = 0;
      let hitSum = 0;
      for (let b = 0; b < batches; b++) {
        const start = b * batchSize;
        const rows = Math.min(batchSize, n - start);
        for (let r = 0; r < rows; r++) {
          const src = order[start + r]!;
          xBuf.set(data.train.x.subarray(src * dim, (src + 1) * dim), r * dim);
          yBuf[r] = data.train.y[src]!;
        }
        const xb = tf.tensor2d(xBuf.subarray(0, rows * dim), [rows, dim]);
        const yb = tf.tensor1d(yBuf.subarray(0, rows), "int32");
        const oneHot = tf.oneHot(yb, k);
        let hits: tf.Tensor | null = null;
        const cost = optimizer.minimize(
          () => {
            const logits = model.apply(xb, { training: true }) as tf.Tensor2D;
            // Kept past the gradient tape's cleanup; disposed below.
            hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), yb), "float32")));
            const ce = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, undefined, tf.Reduction.NONE);
            const weighted = classWeights ? tf.mul(ce, tf.gather(classWeights, yb)) : ce;
            const dataLoss = tf.mean(weighted);
            return (spec.l2 > 0 ? tf.add(dataLoss, tf.mul(kernelSquares(model), spec.l2)) : dataLoss) as tf.Scalar;
          },
          true,
          variables,
        )!;
        const batchLoss = cost.dataSync()[0]!;
        const batchHits = (hits as tf.Tensor | null)?.dataSync()[0] ?? 0;
        tf.dispose([xb, yb, oneHot, cost, hits as tf.Tensor | null].filter((t): t is tf.Tensor => t !== null));
        lossSum += batchLoss * rows;
        hitSum += batchHits;
        await hooks.onBatch?.(epoch, b + 1, batches);
        await yieldToEventLoop();
      }
      const val = evaluateHead(model, data.val.x, data.val.y, dim, k);
      const result: EpochResult = { epoch, loss: lossSum / n, accuracy: hitSum / n, valLoss: val.loss, valAccuracy: val.accuracy, learningRate: lr };
      history.push(result);
      if (val.loss < bestValLoss - MIN_DELTA || bestWeights.length === 0) {
        bestValLoss = val.loss;
        bestEpoch = epoch;
        bestWeights = await weightsOf(model);
      } else if (options.earlyStopping.enabled && epoch - bestEpoch >= options.earlyStopping.patience) {
        finished = true;
        log(`early stop after epoch ${epoch}: val loss has not improved since epoch ${bestEpoch}`);
      }
      if (epoch === epochs) finished = true;
      log(
        `epoch ${epoch}/${epochs} loss ${result.loss.toFixed(4)} acc ${result.accuracy.toFixed(4)} val loss ${val.loss.toFixed(4)} val acc ${val.accuracy.toFixed(4)} lr ${lr.toExponential(2)}`,
      );
      if (hooks.onEpoch) {
        const checkpoint: HeadCheckpoint = {
          fingerprint: options.fingerprint,
          epoch,
          history: [...history],
          bestEpoch,
          bestValLoss,
          finished,
          weights: await weightsOf(model),
          bestWeights,
          optimizer: await records(await optimizer.getWeights()),
        };
        await hooks.onEpoch(result, checkpoint);
      }
    }
    if (bestWeights.length === 0) throw new Error("Training ran no epoch; set epochs to at least 1.");
    setModelWeights(model, bestWeights);
    return { model, history, bestEpoch, bestValLoss, resumedFrom: resume ? resume.epoch : 0 };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    classWeights?.dispose();
  }
}

import * as tf from "@tensorflow/tfjs";

/**
 * The trainable part of Mien's expression model: a small dense head on frozen backbone
 * embeddings. Features are standardised with train-set statistics kept next to the weights.
 */
export interface HeadConfig {
  /** Hidden layer widths; [] is multinomial logistic regression. */
  hidden: number[];
  inputDropout: number;
  dropout: number;
  /** L2 penalty on every kernel. */
  l2: number;
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** Epochs without a better holdout loss before stopping (best weights are restored). */
  patience: number;
  /** Weight classes by n / (k · n_c) in the loss. */
  classWeights: boolean;
  seed: number;
}

export const MLP_HEAD: HeadConfig = {
  hidden: [512],
  inputDropout: 0.2,
  dropout: 0.5,
  l2: 1e-4,
  learningRate: 1e-3,
  batchSize: 256,
  maxEpochs: 60,
  patience: 6,
  classWeights: false,
  seed: 1,
};

export const LOGISTIC_HEAD: HeadConfig = {
  ...MLP_HEAD,
  hidden: [],
  inputDropout: 0,
  dropout: 0,
  l2: 1e-4,
  learningRate: 3e-3,
};

export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

export function fitStandardizer(data: Float32Array, dim: number): Standardizer {
  const n = data.length / dim;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      const v = data[i * dim + j]!;
      mean[j]! += v;
      sq[j]! += v * v;
    }
  }
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j]! /= n;
    std[j] = Math.sqrt(Math.max(sq[j]! / n - mean[j]! * mean[j]!, 0)) || 1;
  }
  return { mean: Float32Array.from(mean), std };
}

export function standardize(data: Float32Array, s: Standardizer): Float32Array {
  const dim = s.mean.length;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const j = i % dim;
    out[i] = (data[i]! - s.mean[j]!) / s.std[j]!;
  }
  return out;
}

export function buildHead(inputDim: number, numClasses: number, config: HeadConfig): tf.Sequential {
  const model = tf.sequential();
  const reg = config.l2 > 0 ? tf.regularizers.l2({ l2: config.l2 }) : undefined;
  let seed = config.seed;
  model.add(tf.layers.inputLayer({ inputShape: [inputDim] }));
  if (config.inputDropout > 0) model.add(tf.layers.dropout({ rate: config.inputDropout, seed: seed++ }));
  for (const units of config.hidden) {
    model.add(tf.layers.dense({ units, activation: "relu", kernelRegularizer: reg, kernelInitializer: tf.initializers.heNormal({ seed: seed++ }) }));
    if (config.dropout > 0) model.add(tf.layers.dropout({ rate: config.dropout, seed: seed++ }));
  }
  model.add(
    tf.layers.dense({ units: numClasses, activation: "softmax", kernelRegularizer: reg, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }),
  );
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  return model;
}

export interface TrainedHead {
  model: tf.Sequential;
  epochsRun: number;
  bestEpoch: number;
  bestHoldoutLoss: number;
  seconds: number;
}

export function classWeightsFor(labels: Int32Array, k: number): Record<number, number> {
  const counts = new Array<number>(k).fill(0);
  for (const y of labels) counts[y]! += 1;
  return Object.fromEntries(counts.map((c, i) => [i, c ? labels.length / (k * c) : 0]));
}

/**
 * Trains with early stopping on a holdout set and restores the best holdout-loss weights, in
 * memory (screening's out-of-fold folds, the head study). Jobs use training/head-trainer.ts, which
 * checkpoints and resumes. Routing these fits through that trainer instead (constant learning
 * rate, same head, L2 and early stopping) was measured worse for screening: on FER2013 val with
 * 15% flips the mislabel ranking's AUROC fell from 0.912 to 0.908 (0.875 to 0.862 without the
 * reference model), and a p_y < 0.05 rule flagged 4.5% of the clean set instead of 3.9% (8.9%
 * instead of 6.2%; bench/mislabel-study.ts), so both stay.
 */
export async function trainHead(
  train: { x: Float32Array; y: Int32Array },
  holdout: { x: Float32Array; y: Int32Array },
  dim: number,
  numClasses: number,
  config: HeadConfig,
  log: (msg: string) => void = () => {},
): Promise<TrainedHead> {
  const started = performance.now();
  const model = buildHead(dim, numClasses, config);
  const xs = tf.tensor2d(train.x, [train.y.length, dim]);
  const ys = tf.oneHot(tf.tensor1d(train.y, "int32"), numClasses);
  const hx = tf.tensor2d(holdout.x, [holdout.y.length, dim]);
  const hy = tf.oneHot(tf.tensor1d(holdout.y, "int32"), numClasses);
  let best = Infinity;
  let bestEpoch = -1;
  let bestWeights: tf.Tensor[] | null = null;
  let epochsRun = 0;
  await model.fit(xs, ys, {
    epochs: config.maxEpochs,
    batchSize: config.batchSize,
    shuffle: true,
    validationData: [hx, hy],
    classWeight: config.classWeights ? classWeightsFor(train.y, numClasses) : undefined,
    verbose: 0,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        epochsRun = epoch + 1;
        const loss = logs?.val_loss ?? Infinity;
        if (loss < best - 1e-4) {
          best = loss;
          bestEpoch = epoch;
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = model.getWeights().map((w) => w.clone());
        } else if (epoch - bestEpoch >= config.patience) {
          model.stopTraining = true;
        }
        log(`epoch ${epoch + 1} loss ${logs?.loss?.toFixed(4)} holdout ${loss.toFixed(4)} acc ${logs?.val_acc?.toFixed(4)}`);
      },
    },
  });
  if (bestWeights) {
    model.setWeights(bestWeights);
    (bestWeights as tf.Tensor[]).forEach((w) => w.dispose());
  }
  tf.dispose([xs, ys, hx, hy]);
  return { model, epochsRun, bestEpoch: bestEpoch + 1, bestHoldoutLoss: best, seconds: (performance.now() - started) / 1000 };
}

/** Class probabilities for standardised features, in batches. */
export async function predictHead(model: tf.LayersModel, x: Float32Array, dim: number, batch = 2048): Promise<Float32Array> {
  const n = x.length / dim;
  const out = new Float32Array(n * (model.outputs[0]!.shape[1] as number));
  let offset = 0;
  for (let i = 0; i < n; i += batch) {
    const rows = Math.min(batch, n - i);
    const p = tf.tidy(() => model.predict(tf.tensor2d(x.subarray(i * dim, (i + rows) * dim), [rows, dim])) as tf.Tensor);
    const data = (await p.data()) as Float32Array;
    out.set(data, offset);
    offset += data.length;
    p.dispose();
  }
  return out;
}

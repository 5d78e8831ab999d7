import * as tf from "@tensorflow/tfjs";

import type { Standardizer } from "../head.ts";

/** The trainable dense head: architecture and regularisation. */
export interface HeadSpec {
  inputDim: number;
  numClasses: number;
  /** Hidden layer widths; [] is multinomial logistic regression. */
  hidden: readonly number[];
  inputDropout: number;
  dropout: number;
  l2: number;
  seed: number;
}

/**
 * Builds the head for training: dropout on the (standardised) input, ReLU hidden layers with
 * dropout, and a linear output of logits (the softmax lives in the loss, the temperature later).
 * Initialisers are seeded; dropout noise is not, because TF.js repeats a seeded dropout mask on
 * every call, which would turn dropout into fixed pruning.
 */
export function buildTrainableHead(spec: HeadSpec): tf.Sequential {
  const model = tf.sequential();
  let seed = spec.seed;
  model.add(tf.layers.inputLayer({ inputShape: [spec.inputDim] }));
  if (spec.inputDropout > 0) model.add(tf.layers.dropout({ rate: spec.inputDropout }));
  for (const units of spec.hidden) {
    model.add(tf.layers.dense({ units, activation: "relu", kernelInitializer: tf.initializers.heNormal({ seed: seed++ }) }));
    if (spec.dropout > 0) model.add(tf.layers.dropout({ rate: spec.dropout }));
  }
  model.add(tf.layers.dense({ units: spec.numClasses, activation: "linear", kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }));
  return model;
}

/** The head's dense layers in order (dropout layers carry no weights). */
export function denseLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === "Dense");
}

/** Sum of squared kernels (the L2 penalty's base). */
export function kernelSquares(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const kernels = denseLayers(model).map((l) => l.getWeights()[0]!);
    return tf.addN(kernels.map((k) => tf.sum(tf.square(k)))) as tf.Scalar;
  });
}

/**
 * The head as published: dense layers only, with the feature standardisation folded into the
 * first layer (W' = W / std, b' = b − (mean / std)·W), so the artifact takes raw embeddings.
 */
export function inferenceHead(trained: tf.LayersModel, spec: HeadSpec, standardizer: Standardizer): tf.Sequential {
  const source = denseLayers(trained);
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [spec.inputDim] }));
  spec.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: "relu", name: `hidden_${i + 1}` })));
  model.add(tf.layers.dense({ units: spec.numClasses, activation: "linear", name: "logits" }));
  const weights = tf.tidy(() =>
    source.flatMap((layer, i) => {
      const [kernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
      if (i > 0) return [kernel.clone(), bias.clone()];
      const invStd = tf.tensor1d(Float32Array.from(standardizer.std, (s) => 1 / s));
      const scaled = tf.mul(kernel, tf.expandDims(invStd, 1)) as tf.Tensor2D;
      const shift = tf.matMul(tf.expandDims(tf.mul(tf.tensor1d(standardizer.mean), invStd), 0), kernel);
      return [scaled, tf.sub(bias, tf.squeeze(shift, [0])) as tf.Tensor1D];
    }),
  );
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

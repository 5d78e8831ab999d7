import * as tf from "@tensorflow/tfjs";

import { BN_EPSILON } from "./batch-norm.ts";
import { scratchLayerNames, type ScratchCnnSpec } from "./scratch-cnn.ts";

export interface TrainedWeights {
  paramNames: readonly string[];
  params: readonly Float32Array[];
  stateNames: readonly string[];
  state: readonly Float32Array[];
}

function lookup(names: readonly string[], values: readonly Float32Array[], name: string): Float32Array {
  const i = names.indexOf(name);
  if (i < 0) throw new Error(`The trained weights have no ${name}.`);
  return values[i]!;
}

/**
 * The trained scratch CNN as a plain TF.js layers model for inference: batch norm folded into
 * each convolution (W·γ/σ, β − μ·γ/σ), so the browser runs conv → ReLU → pool only.
 */
export function scratchCnnToLayersModel(spec: ScratchCnnSpec, w: TrainedWeights): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [spec.inputSize, spec.inputSize, 1] }));
  const names = scratchLayerNames(spec);
  const weights: tf.Tensor[] = [];
  let k = 0;
  let cin = 1;
  for (const stage of spec.stages) {
    for (let j = 0; j < stage.convs; j++) {
      const name = names[k++]!;
      const f = stage.filters;
      model.add(tf.layers.conv2d({ filters: f, kernelSize: 3, padding: "same", activation: "relu", name }));
      const kernel = lookup(w.paramNames, w.params, `${name}/kernel`);
      const gamma = lookup(w.paramNames, w.params, `${name}/gamma`);
      const beta = lookup(w.paramNames, w.params, `${name}/beta`);
      const mean = lookup(w.stateNames, w.state, `${name}/mean`);
      const variance = lookup(w.stateNames, w.state, `${name}/variance`);
      const scale = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + BN_EPSILON));
      const folded = Float32Array.from(kernel, (v, i) => v * scale[i % f]!);
      weights.push(tf.tensor4d(folded, [3, 3, cin, f]), tf.tensor1d(Float32Array.from(beta, (b, c) => b - mean[c]! * scale[c]!)));
      cin = f;
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "valid" }));
  }
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: spec.classes, name: "logits" }));
  weights.push(tf.tensor2d(lookup(w.paramNames, w.params, "dense/kernel"), [cin, spec.classes]), tf.tensor1d(lookup(w.paramNames, w.params, "dense/bias")));
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

import * as tf from "@tensorflow/tfjs";

import { loadFaceApiWeights } from "../backbones/faceapi-weights.ts";
import type { ModelSources } from "../model-files.ts";
import { FINETUNE_BACKBONES } from "./architectures.ts";
import type { ForwardMode, TrainableNet } from "./net.ts";

/**
 * The top dense blocks of face-api's expression net, initialised from its npm weights and
 * trained (fine-tuned), plus a new classifier. Its input is the frozen blocks' output.
 */
export interface FaceApiTopSpec {
  kind: "faceapi-top";
  /** How many of the 4 dense blocks train (the top ones). */
  trainableBlocks: number;
  dropout: number;
  classes: number;
}

const BLOCK_CHANNELS = [32, 64, 128, 256];
const BLOCKS = FINETUNE_BACKBONES["faceapi-expression"].blocks;

/** Shape of the frozen part's output (the top's input) at face-api's 112 px input. */
export function faceApiTrunkShape(trainableBlocks: number): [number, number, number] {
  const frozen = BLOCKS - trainableBlocks;
  const side = 112 / 2 ** frozen;
  return [side, side, BLOCK_CHANNELS[frozen - 1]!];
}

interface Sep {
  depthwise: tf.Variable;
  pointwise: tf.Variable;
  bias: tf.Variable;
}

export class FaceApiTop implements TrainableNet {
  readonly params: tf.Variable[] = [];
  readonly paramNames: string[] = [];
  readonly state = new Map<string, tf.Variable>();
  private readonly blocks: Sep[][] = [];
  private readonly fc: tf.Variable;
  private readonly fcBias: tf.Variable;

  private constructor(
    readonly spec: FaceApiTopSpec,
    map: tf.NamedTensorMap,
    seed: number,
  ) {
    if (spec.trainableBlocks < 1 || spec.trainableBlocks >= BLOCKS)
      throw new Error(`face-api has ${BLOCKS} blocks; train 1 to ${BLOCKS - 1} of them, not ${spec.trainableBlocks}.`);
    const add = (name: string, value: tf.Tensor) => {
      const v = tf.variable(value.clone(), true, undefined, "float32");
      this.params.push(v);
      this.paramNames.push(name);
      return v;
    };
    for (let b = BLOCKS - spec.trainableBlocks; b < BLOCKS; b++) {
      const convs: Sep[] = [];
      for (let c = 0; c < 4; c++) {
        const prefix = `dense${b}/conv${c}`;
        const get = (n: string) => {
          const t = map[`${prefix}/${n}`];
          if (!t) throw new Error(`face-api weights have no ${prefix}/${n}.`);
          return t;
        };
        convs.push({
          depthwise: add(`${prefix}/depthwise_filter`, get("depthwise_filter")),
          pointwise: add(`${prefix}/pointwise_filter`, get("pointwise_filter")),
          bias: add(`${prefix}/bias`, get("bias")),
        });
      }
      this.blocks.push(convs);
    }
    const inputs = BLOCK_CHANNELS[BLOCKS - 1]!;
    this.fc = add("fc/kernel", tf.randomNormal([inputs, spec.classes], 0, Math.sqrt(1 / inputs), "float32", seed));
    this.fcBias = add("fc/bias", tf.zeros([spec.classes]));
  }

  static async load(spec: FaceApiTopSpec, sources: Pick<ModelSources, "faceApi">, seed: number): Promise<FaceApiTop> {
    const map = await loadFaceApiWeights(sources.faceApi, "face_expression_model");
    try {
      return new FaceApiTop(spec, map, seed);
    } finally {
      tf.dispose(Object.values(map));
    }
  }

  forward(x: tf.Tensor4D, mode: ForwardMode, _sink?: unknown, seed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      const sep = (h: tf.Tensor4D, p: Sep, stride: 1 | 2) =>
        tf.add(tf.separableConv2d(h, p.depthwise as tf.Tensor4D, p.pointwise as tf.Tensor4D, stride, "same"), p.bias) as tf.Tensor4D;
      let h = x;
      for (const [c0, c1, c2, c3] of this.blocks as [Sep, Sep, Sep, Sep][]) {
        const out1 = tf.relu(sep(h, c0, 2)) as tf.Tensor4D;
        const out2 = sep(out1, c1, 1);
        const out3 = sep(tf.relu(tf.add(out1, out2)) as tf.Tensor4D, c2, 1);
        const out4 = sep(tf.relu(tf.addN([out1, out2, out3])) as tf.Tensor4D, c3, 1);
        h = tf.relu(tf.addN([out1, out2, out3, out4])) as tf.Tensor4D;
      }
      let pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
      if (mode === "train" && this.spec.dropout > 0) pooled = tf.dropout(pooled, this.spec.dropout, undefined, seed) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, this.fc as tf.Tensor2D), this.fcBias) as tf.Tensor2D;
    });
  }

  dispose(): void {
    tf.dispose(this.params);
  }
}

/** The fine-tuned top as a TF.js layers model taking the frozen trunk's output. */
export function faceApiTopToLayersModel(
  spec: FaceApiTopSpec,
  names: readonly string[],
  values: readonly Float32Array[],
  shapes: readonly number[][],
): tf.LayersModel {
  const byName = new Map(names.map((n, i) => [n, tf.tensor(values[i]!, shapes[i]!)]));
  const take = (n: string) => {
    const t = byName.get(n);
    if (!t) throw new Error(`The fine-tuned weights have no ${n}.`);
    return t;
  };
  const input = tf.input({ shape: faceApiTrunkShape(spec.trainableBlocks) });
  const layers: { layer: tf.layers.Layer; weights: tf.Tensor[] }[] = [];
  const sep = (x: tf.SymbolicTensor, prefix: string, stride: number, filters: number) => {
    const layer = tf.layers.separableConv2d({ filters, kernelSize: 3, strides: stride, padding: "same", depthMultiplier: 1, name: prefix.replace("/", "_") });
    layers.push({ layer, weights: [take(`${prefix}/depthwise_filter`), take(`${prefix}/pointwise_filter`), take(`${prefix}/bias`)] });
    return layer.apply(x) as tf.SymbolicTensor;
  };
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  const add = (xs: tf.SymbolicTensor[]) => tf.layers.add().apply(xs) as tf.SymbolicTensor;
  let h = input;
  for (let b = BLOCKS - spec.trainableBlocks; b < BLOCKS; b++) {
    const f = BLOCK_CHANNELS[b]!;
    const out1 = relu(sep(h, `dense${b}/conv0`, 2, f));
    const out2 = sep(out1, `dense${b}/conv1`, 1, f);
    const out3 = sep(relu(add([out1, out2])), `dense${b}/conv2`, 1, f);
    const out4 = sep(relu(add([out1, out2, out3])), `dense${b}/conv3`, 1, f);
    h = relu(add([out1, out2, out3, out4]));
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const logitsLayer = tf.layers.dense({ units: spec.classes, name: "logits" });
  const logits = logitsLayer.apply(pooled) as tf.SymbolicTensor;
  layers.push({ layer: logitsLayer, weights: [take("fc/kernel"), take("fc/bias")] });
  const model = tf.model({ inputs: input, outputs: logits });
  for (const { layer, weights } of layers) layer.setWeights(weights);
  tf.dispose([...byName.values()]);
  return model;
}

import * as tf from "@tensorflow/tfjs";

import type { ReadModelFile } from "../model-files.ts";
import type { InputSpec } from "../preprocess.ts";
import { disposeMap, loadFaceApiWeights, weight } from "./faceapi-weights.ts";
import type { Backbone } from "./types.ts";

export const FACE_API_150_INPUT: InputSpec = {
  size: 150,
  channels: 3,
  mean: [122.782, 117.001, 104.298],
  scale: 1 / 255,
};

interface ConvLayer {
  filters: tf.Tensor4D;
  bias: tf.Tensor1D;
  scaleW: tf.Tensor1D;
  scaleB: tf.Tensor1D;
}

interface Residual {
  conv1: ConvLayer;
  conv2: ConvLayer;
}

function convLayerParams(map: tf.NamedTensorMap, prefix: string): ConvLayer {
  return {
    filters: weight(map, `${prefix}/conv/filters`, 4),
    bias: weight(map, `${prefix}/conv/bias`, 1),
    scaleW: weight(map, `${prefix}/scale/weights`, 1),
    scaleB: weight(map, `${prefix}/scale/biases`, 1),
  };
}

function convLayer(x: tf.Tensor4D, p: ConvLayer, stride: 1 | 2, relu: boolean, padding: "same" | "valid"): tf.Tensor4D {
  const out = tf.add(tf.mul(tf.add(tf.conv2d(x, p.filters, stride, padding), p.bias), p.scaleW), p.scaleB) as tf.Tensor4D;
  return relu ? tf.relu(out) : out;
}

function residual(x: tf.Tensor4D, p: Residual): tf.Tensor4D {
  const out = convLayer(convLayer(x, p.conv1, 1, true, "same"), p.conv2, 1, false, "same");
  return tf.relu(tf.add<tf.Tensor4D>(out, x));
}

function residualDown(x: tf.Tensor4D, p: Residual): tf.Tensor4D {
  let out = convLayer(convLayer(x, p.conv1, 2, true, "valid"), p.conv2, 1, false, "same");
  let pooled = tf.avgPool(x, 2, 2, "valid") as tf.Tensor4D;
  // face-api pads the conv path by one row/column when the shapes disagree, and zero-pads channels.
  if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
    out = tf.pad(out, [
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 0],
    ]);
  }
  if (pooled.shape[3] !== out.shape[3]) {
    pooled = tf.concat([pooled, tf.zerosLike(pooled)], 3);
  }
  return tf.relu(tf.add<tf.Tensor4D>(pooled, out));
}

const RESIDUALS = [
  "conv32_1",
  "conv32_2",
  "conv32_3",
  "conv64_down",
  "conv64_1",
  "conv64_2",
  "conv64_3",
  "conv128_down",
  "conv128_1",
  "conv128_2",
  "conv256_down",
  "conv256_1",
  "conv256_2",
  "conv256_down_out",
] as const;

/** face-api's (dlib ResNet-34-like) face recognition net: the 128-d face descriptor. */
export class FaceApiRecognitionNet implements Backbone {
  readonly id = "faceapi-recognition";
  readonly dim = 128;
  readonly input = FACE_API_150_INPUT;

  private constructor(
    private readonly map: tf.NamedTensorMap,
    private readonly first: ConvLayer,
    private readonly layers: Array<{ down: boolean; p: Residual }>,
    private readonly fc: tf.Tensor2D,
  ) {}

  static async load(read: ReadModelFile): Promise<FaceApiRecognitionNet> {
    const map = await loadFaceApiWeights(read, "face_recognition_model");
    const layers = RESIDUALS.map((name) => ({
      down: name.includes("down"),
      p: { conv1: convLayerParams(map, `${name}/conv1`), conv2: convLayerParams(map, `${name}/conv2`) },
    }));
    return new FaceApiRecognitionNet(map, convLayerParams(map, "conv32_down"), layers, weight(map, "fc", 2));
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let out = convLayer(x, this.first, 2, true, "valid");
      out = tf.maxPool(out, 3, 2, "valid");
      for (const { down, p } of this.layers) out = down ? residualDown(out, p) : residual(out, p);
      return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, this.fc);
    });
  }

  dispose(): void {
    disposeMap(this.map);
  }
}

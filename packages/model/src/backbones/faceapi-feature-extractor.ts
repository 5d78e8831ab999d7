import * as tf from "@tensorflow/tfjs";

import type { InputSpec } from "../preprocess.ts";
import { weight } from "./faceapi-weights.ts";

/**
 * face-api's FaceFeatureExtractor (shared by its expression and 68-landmark nets), rebuilt on
 * plain TF.js ops so that it runs on the caller's TF.js instance: four dense blocks of
 * depthwise-separable convolutions, then a 7×7 average pool → [n, 256].
 */
export const FACE_API_112_INPUT: InputSpec = {
  size: 112,
  channels: 3,
  mean: [122.782, 117.001, 104.298],
  scale: 1 / 255,
};

interface SepConv {
  depthwise: tf.Tensor4D;
  pointwise: tf.Tensor4D;
  bias: tf.Tensor1D;
}

interface DenseBlock {
  conv0: { filters: tf.Tensor4D; bias: tf.Tensor1D } | SepConv;
  conv1: SepConv;
  conv2: SepConv;
  conv3: SepConv;
}

function sepConv(map: tf.NamedTensorMap, prefix: string): SepConv {
  return {
    depthwise: weight(map, `${prefix}/depthwise_filter`, 4),
    pointwise: weight(map, `${prefix}/pointwise_filter`, 4),
    bias: weight(map, `${prefix}/bias`, 1),
  };
}

function denseBlockParams(map: tf.NamedTensorMap, prefix: string, first: boolean): DenseBlock {
  return {
    conv0: first ? { filters: weight(map, `${prefix}/conv0/filters`, 4), bias: weight(map, `${prefix}/conv0/bias`, 1) } : sepConv(map, `${prefix}/conv0`),
    conv1: sepConv(map, `${prefix}/conv1`),
    conv2: sepConv(map, `${prefix}/conv2`),
    conv3: sepConv(map, `${prefix}/conv3`),
  };
}

function applySep(x: tf.Tensor4D, p: SepConv, stride: 1 | 2): tf.Tensor4D {
  return tf.add(tf.separableConv2d(x, p.depthwise, p.pointwise, stride, "same"), p.bias);
}

function denseBlock(x: tf.Tensor4D, p: DenseBlock): tf.Tensor4D {
  const out1 = tf.relu("filters" in p.conv0 ? tf.add(tf.conv2d(x, p.conv0.filters, 2, "same"), p.conv0.bias) : applySep(x, p.conv0, 2)) as tf.Tensor4D;
  const out2 = applySep(out1, p.conv1, 1);
  const out3 = applySep(tf.relu(tf.add(out1, out2)) as tf.Tensor4D, p.conv2, 1);
  const out4 = applySep(tf.relu(tf.add(tf.add(out1, out2), out3)) as tf.Tensor4D, p.conv3, 1);
  return tf.relu(tf.add(tf.add(tf.add(out1, out2), out3), out4)) as tf.Tensor4D;
}

export class FaceFeatureExtractor {
  private readonly blocks: DenseBlock[];

  constructor(map: tf.NamedTensorMap) {
    this.blocks = ["dense0", "dense1", "dense2", "dense3"].map((name, i) => denseBlockParams(map, name, i === 0));
  }

  /** Output of each dense block: [n,56,56,32], [n,28,28,64], [n,14,14,128], [n,7,7,256]. */
  featureMaps(x: tf.Tensor4D): tf.Tensor4D[] {
    const maps: tf.Tensor4D[] = [];
    let out = x;
    for (const block of this.blocks) {
      out = denseBlock(out, block);
      maps.push(out);
    }
    return maps;
  }

  /** Dense block `i` (0–3) applied to the previous block's output (or the input for 0). */
  block(i: number, x: tf.Tensor4D): tf.Tensor4D {
    const block = this.blocks[i];
    if (!block) throw new Error(`face-api's feature extractor has no block ${i}.`);
    return tf.tidy(() => denseBlock(x, block));
  }

  /** The nets' own pooling of the last block's output → [n, 256]. */
  pool(last: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.reshape(tf.avgPool(last, [7, 7], [2, 2], "valid"), [last.shape[0], -1]) as tf.Tensor2D);
  }

  /** The output of the first `blocks` dense blocks (a fine-tuned model's frozen trunk). */
  featureMapsUpTo(x: tf.Tensor4D, blocks: number): tf.Tensor4D {
    return tf.tidy(() => {
      let out = x;
      for (const block of this.blocks.slice(0, blocks)) out = denseBlock(out, block);
      return out;
    });
  }

  /** [n, 112, 112, 3] normalised as {@link FACE_API_112_INPUT} → [n, 256], the nets' own pooling. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const last = this.featureMaps(x)[3]!;
      const pooled = tf.avgPool(last, [7, 7], [2, 2], "valid");
      return tf.reshape(pooled, [x.shape[0], -1]) as tf.Tensor2D;
    });
  }

  /**
   * Spatially pooled block outputs, keeping coarse layout (where in the face a feature fires),
   * which the nets' own global pool throws away. `grids[b]` is the g×g grid for block b (0 = skip).
   */
  gridFeatures(x: tf.Tensor4D, grids: readonly number[]): tf.Tensor2D {
    return tf.tidy(() => this.gridPool(this.featureMaps(x), grids));
  }

  /** {@link gridFeatures} from block outputs already computed, so several grids share one pass. */
  gridPool(maps: readonly tf.Tensor4D[], grids: readonly number[]): tf.Tensor2D {
    return tf.tidy(() => {
      const n = maps[0]!.shape[0];
      const parts = maps.flatMap((m, b) => {
        const g = grids[b] ?? 0;
        if (!g) return [];
        const side = m.shape[1];
        // Windows of ceil(side/g) with a stride that spreads g windows over the map.
        const size = Math.ceil(side / g);
        const stride = g === 1 ? size : Math.floor((side - size) / (g - 1));
        const pooled = tf.avgPool(m, size, stride, "valid");
        return [tf.reshape(pooled, [n, -1])];
      });
      return tf.concat(parts, 1) as tf.Tensor2D;
    });
  }
}

export function fullyConnected(map: tf.NamedTensorMap): { weights: tf.Tensor2D; bias: tf.Tensor1D } {
  return { weights: weight(map, "fc/weights", 2), bias: weight(map, "fc/bias", 1) };
}

import type * as tf from "@tensorflow/tfjs";

import type { ExpressionClass } from "../classes.ts";
import type { InputSpec } from "../preprocess.ts";

/** A frozen pretrained network used as a feature extractor. */
export interface Backbone {
  readonly id: string;
  /** Length of one embedding. */
  readonly dim: number;
  readonly input: InputSpec;
  /** Embeds a batch already made by `preprocess(…, this.input)`: [n, size, size, c] → [n, dim]. */
  embed(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** A pretrained expression classifier, used only as a zero-shot point of comparison. */
export interface ZeroShotClassifier {
  readonly id: string;
  readonly input: InputSpec;
  /** Canonical class of each output column. */
  readonly labels: readonly ExpressionClass[];
  /** [n, size, size, c] → [n, labels.length] probabilities. */
  classify(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

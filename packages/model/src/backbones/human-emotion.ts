import type * as tf from "@tensorflow/tfjs";

import type { ExpressionClass } from "../classes.ts";
import type { ReadModelFile } from "../model-files.ts";
import type { InputSpec } from "../preprocess.ts";
import { loadGraphModel } from "./human-graph.ts";
import type { ZeroShotClassifier } from "./types.ts";

/**
 * Human's `emotion` model (oarriaga face_classification, 64×64 gray), for zero-shot comparison ONLY.
 *
 * PROVENANCE: it descends from a FER2013 model that may have seen every FER2013 split, including
 * the hidden test split. Never use it as a backbone, feature source or teacher for Mien's model;
 * that is why this class exposes no embedding and is not in the backbone registry.
 */
export const HUMAN_EMOTION_INPUT: InputSpec = { size: 64, channels: 1, mean: [127.5], scale: 1 / 127.5 };

/** Output order used by Human for the gray (oarriaga) emotion model. */
export const HUMAN_EMOTION_LABELS: readonly ExpressionClass[] = ["anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral"];

export class HumanEmotionPeer implements ZeroShotClassifier {
  readonly id = "human-emotion";
  readonly input = HUMAN_EMOTION_INPUT;
  readonly labels = HUMAN_EMOTION_LABELS;

  private constructor(private readonly model: tf.GraphModel) {}

  static async load(read: ReadModelFile): Promise<HumanEmotionPeer> {
    return new HumanEmotionPeer(await loadGraphModel(read, "emotion.json"));
  }

  classify(x: tf.Tensor4D): tf.Tensor2D {
    return this.model.execute(x) as tf.Tensor2D;
  }

  dispose(): void {
    this.model.dispose();
  }
}

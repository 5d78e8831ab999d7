import * as tf from "@tensorflow/tfjs";

import { EXPRESSION_CLASSES, type ExpressionClass } from "../classes.ts";
import type { ModelSources } from "../model-files.ts";
import { preprocess, type PixelImage, type PreprocessOptions } from "../preprocess.ts";
import { FaceApiExpressionGrid, FaceApiExpressionNet } from "./faceapi-expression.ts";
import { FaceApiLandmarkFeatures, FaceApiLandmarkGeometry } from "./faceapi-landmarks.ts";
import { FaceApiRecognitionNet } from "./faceapi-recognition.ts";
import { HumanEmotionPeer } from "./human-emotion.ts";
import { GraphBackbone, HUMAN_BACKBONES } from "./human-graph.ts";
import type { Backbone, ZeroShotClassifier } from "./types.ts";

export type { Backbone, ZeroShotClassifier } from "./types.ts";

/** Frozen feature extractors allowed as inputs of Mien's expression head. */
export const BACKBONE_IDS = [
  "faceapi-expression",
  "faceapi-expression-g2",
  "faceapi-expression-g3",
  "faceapi-expression-g2x2",
  "faceapi-expression-g3x3",
  "faceapi-landmarks",
  "faceapi-landmark-features",
  "faceapi-recognition",
  "faceres",
  "faceres-deep",
  "faceres-112",
  "faceres-deep-112",
  "mobilefacenet",
  "mobileface",
  "gear",
  "gear-112",
] as const;
export type BackboneId = (typeof BACKBONE_IDS)[number];

export function isBackboneId(value: string): value is BackboneId {
  return (BACKBONE_IDS as readonly string[]).includes(value);
}

/** The expression net's grid-pooled variants: the g×g grid per dense block (0 = skip). */
export const FACEAPI_EXPRESSION_GRIDS = {
  "faceapi-expression-g2": [0, 0, 0, 2],
  "faceapi-expression-g3": [0, 0, 0, 3],
  "faceapi-expression-g2x2": [0, 0, 2, 2],
  "faceapi-expression-g3x3": [0, 0, 3, 3],
} as const satisfies Partial<Record<BackboneId, readonly number[]>>;

export async function loadBackbone(id: BackboneId, sources: ModelSources): Promise<Backbone> {
  switch (id) {
    case "faceapi-expression":
      return FaceApiExpressionNet.load(sources.faceApi);
    case "faceapi-expression-g2":
    case "faceapi-expression-g3":
    case "faceapi-expression-g2x2":
    case "faceapi-expression-g3x3":
      return FaceApiExpressionGrid.load(sources.faceApi, id, FACEAPI_EXPRESSION_GRIDS[id]);
    case "faceapi-landmarks":
      return FaceApiLandmarkGeometry.load(sources.faceApi);
    case "faceapi-landmark-features":
      return FaceApiLandmarkFeatures.load(sources.faceApi);
    case "faceapi-recognition":
      return FaceApiRecognitionNet.load(sources.faceApi);
    default:
      return GraphBackbone.load(sources.human, HUMAN_BACKBONES[id]);
  }
}

/** Pretrained expression classifiers, used only as zero-shot peers in comparisons. */
export const ZERO_SHOT_IDS = ["faceapi-expression", "human-emotion"] as const;
export type ZeroShotId = (typeof ZERO_SHOT_IDS)[number];

export async function loadZeroShot(id: ZeroShotId, sources: ModelSources): Promise<ZeroShotClassifier> {
  return id === "human-emotion" ? HumanEmotionPeer.load(sources.human) : FaceApiExpressionNet.load(sources.faceApi);
}

/** Preprocesses face crops for `backbone` and embeds them: [n, dim]. */
export function embedImages(backbone: Backbone, images: readonly PixelImage[] | tf.Tensor4D, options: PreprocessOptions = {}): tf.Tensor2D {
  return tf.tidy(() => backbone.embed(preprocess(images, backbone.input, options)));
}

/** Zero-shot probabilities re-ordered to EXPRESSION_CLASSES (classes a model lacks get 0). */
export function classifyCanonical(model: ZeroShotClassifier, images: readonly PixelImage[] | tf.Tensor4D, options: PreprocessOptions = {}): tf.Tensor2D {
  return tf.tidy(() => {
    const probs = model.classify(preprocess(images, model.input, options));
    const columns = EXPRESSION_CLASSES.map((c: ExpressionClass) => model.labels.indexOf(c));
    const zeros = tf.zeros([probs.shape[0], 1]);
    const padded = tf.concat([probs, zeros], 1);
    return tf.gather(
      padded,
      columns.map((i) => (i < 0 ? model.labels.length : i)),
      1,
    ) as tf.Tensor2D;
  });
}

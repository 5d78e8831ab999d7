import * as tf from "@tensorflow/tfjs";
import type { ExpressionClass } from "../classes.ts";
import type { ReadModelFile } from "../model-files.ts";
import type { Backbone, ZeroShotClassifier } from "./types.ts";
import { FACE_API_112_INPUT, FaceFeatureExtractor, fullyConnected } from "./faceapi-feature-extractor.ts";
import { disposeMap, loadFaceApiWeights } from "./faceapi-weights.ts";

/** face-api FaceExpressionNet output order (neutral, happy, sad, angry, fearful, disgusted, surprised). */
export const FACE_API_EXPRESSION_LABELS: readonly ExpressionClass[] = [
  "neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise",
];

/** face-api's expression net: 256-d pooled features (its classifier's input) and its 7-class output. */
export class FaceApiExpressionNet implements Backbone, ZeroShotClassifier {
  readonly id = "faceapi-expression";
  readonly dim = 256;
  readonly input = FACE_API_112_INPUT;
  readonly labels = FACE_API_EXPRESSION_LABELS;

  private constructor(
    private readonly map: tf.NamedTensorMap,
    private readonly extractor: FaceFeatureExtractor,
    private readonly fc: { weights: tf.Tensor2D; bias: tf.Tensor1D },
  ) {}

  static async load(read: ReadModelFile): Promise<FaceApiExpressionNet> {
    const map = await loadFaceApiWeights(read, "face_expression_model");
    return new FaceApiExpressionNet(map, new FaceFeatureExtractor(map), fullyConnected(map));
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return this.extractor.features(x);
  }

  classify(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(tf.add<tf.Tensor2D>(tf.matMul(this.extractor.features(x), this.fc.weights), this.fc.bias)));
  }

  dispose(): void {
    disposeMap(this.map);
  }
}

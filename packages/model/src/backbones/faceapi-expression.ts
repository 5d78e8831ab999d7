import * as tf from "@tensorflow/tfjs";

import type { ExpressionClass } from "../classes.ts";
import type { ReadModelFile } from "../model-files.ts";
import { FACE_API_112_INPUT, FaceFeatureExtractor, fullyConnected } from "./faceapi-feature-extractor.ts";
import { disposeMap, loadFaceApiWeights } from "./faceapi-weights.ts";
import type { Backbone, ZeroShotClassifier } from "./types.ts";

/** face-api FaceExpressionNet output order (neutral, happy, sad, angry, fearful, disgusted, surprised). */
export const FACE_API_EXPRESSION_LABELS: readonly ExpressionClass[] = ["neutral", "happiness", "sadness", "anger", "fear", "disgust", "surprise"];

/** face-api's expression net: 256-d pooled features (its classifier's input) and its 7-class output. */
export class FaceApiExpressionNet implements Backbone, ZeroShotClassifier {
  readonly id = "faceapi-expression";
  readonly dim = 256;
  readonly input = FACE_API_112_INPUT;
  readonly labels = FACE_API_EXPRESSION_LABELS;

  private constructor(
    private readonly map: tf.NamedTensorMap,
    /** Its dense blocks, for callers that share their outputs (fine-tuned trunks, ensembles). */
    readonly extractor: FaceFeatureExtractor,
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
    return tf.tidy(() => this.classifyEmbeddings(this.extractor.features(x)));
  }

  /** Its own 7-class output (in `labels` order) from embeddings `embed` already made: [n, 256] → [n, 7]. */
  classifyEmbeddings(embeddings: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(tf.add<tf.Tensor2D>(tf.matMul(embeddings, this.fc.weights), this.fc.bias)));
  }

  dispose(): void {
    disposeMap(this.map);
  }
}

/** Expression-net block outputs pooled on coarse grids (see FaceFeatureExtractor.gridFeatures). */
export class FaceApiExpressionGrid implements Backbone {
  readonly input = FACE_API_112_INPUT;
  readonly dim: number;

  private constructor(
    readonly id: string,
    private readonly grids: readonly number[],
    private readonly map: tf.NamedTensorMap,
    private readonly extractor: FaceFeatureExtractor,
  ) {
    const channels = [32, 64, 128, 256];
    this.dim = grids.reduce((sum, g, b) => sum + g * g * channels[b]!, 0);
  }

  static async load(read: ReadModelFile, id: string, grids: readonly number[]): Promise<FaceApiExpressionGrid> {
    const map = await loadFaceApiWeights(read, "face_expression_model");
    return new FaceApiExpressionGrid(id, grids, map, new FaceFeatureExtractor(map));
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return this.extractor.gridFeatures(x, this.grids);
  }

  dispose(): void {
    disposeMap(this.map);
  }
}

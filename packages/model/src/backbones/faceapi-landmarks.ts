import * as tf from "@tensorflow/tfjs";

import type { ReadModelFile } from "../model-files.ts";
import { FACE_API_112_INPUT, FaceFeatureExtractor, fullyConnected } from "./faceapi-feature-extractor.ts";
import { disposeMap, loadFaceApiWeights } from "./faceapi-weights.ts";
import type { Backbone } from "./types.ts";

const LEFT_EYE = [36, 37, 38, 39, 40, 41];
const RIGHT_EYE = [42, 43, 44, 45, 46, 47];

/**
 * 68 landmarks in [0, 1] input coordinates → pose-normalised geometry: centred on the landmark
 * mean, rotated so the eyes are level, divided by the distance between the eyes. [n, 136].
 */
export function landmarkGeometry(points: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = points.shape[0];
    const pts = tf.reshape(points, [n, 68, 2]);
    const eye = (idx: number[]) => tf.mean(tf.gather(pts, idx, 1), 1); // [n, 2]
    const d = tf.sub(eye(RIGHT_EYE), eye(LEFT_EYE));
    const [dx, dy] = tf.split(d, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const dist = tf.maximum(tf.sqrt(tf.add(tf.square(dx), tf.square(dy))), 1e-6);
    const cos = tf.div(dx, dist);
    const sin = tf.div(dy, dist);
    const centred = tf.sub(pts, tf.mean(pts, 1, true));
    const [x, y] = tf.split(centred, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
    const c = tf.expandDims(cos, 1);
    const s = tf.expandDims(sin, 1);
    // Rotate by -angle: x' = x cos + y sin, y' = -x sin + y cos.
    const xr = tf.add(tf.mul(x, c), tf.mul(y, s));
    const yr = tf.sub(tf.mul(y, c), tf.mul(x, s));
    const scaled = tf.div(tf.concat([xr, yr], 2), tf.expandDims(dist, 1));
    return tf.reshape(scaled, [n, 136]) as tf.Tensor2D;
  });
}

/** Shared weights of face-api's 68-point landmark net (same extractor architecture as expressions). */
class LandmarkNet {
  private constructor(
    readonly map: tf.NamedTensorMap,
    readonly extractor: FaceFeatureExtractor,
    readonly fc: { weights: tf.Tensor2D; bias: tf.Tensor1D },
  ) {}

  static async load(read: ReadModelFile): Promise<LandmarkNet> {
    const map = await loadFaceApiWeights(read, "face_landmark_68_model");
    return new LandmarkNet(map, new FaceFeatureExtractor(map), fullyConnected(map));
  }

  /** [n, 136] interleaved x, y in [0, 1] of the (square) input. */
  landmarks(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.add(tf.matMul(this.extractor.features(x), this.fc.weights), this.fc.bias));
  }
}

/** face-api 68 landmarks as normalised geometry (136-d). */
export class FaceApiLandmarkGeometry implements Backbone {
  readonly id = "faceapi-landmarks";
  readonly dim = 136;
  readonly input = FACE_API_112_INPUT;
  private constructor(private readonly net: LandmarkNet) {}

  static async load(read: ReadModelFile): Promise<FaceApiLandmarkGeometry> {
    return new FaceApiLandmarkGeometry(await LandmarkNet.load(read));
  }

  /** Raw landmarks, for drawing and tests. */
  landmarks(x: tf.Tensor4D): tf.Tensor2D {
    return this.net.landmarks(x);
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => landmarkGeometry(this.net.landmarks(x)));
  }

  dispose(): void {
    disposeMap(this.net.map);
  }
}

/** The landmark net's 256-d pooled features (the input of its landmark regressor). */
export class FaceApiLandmarkFeatures implements Backbone {
  readonly id = "faceapi-landmark-features";
  readonly dim = 256;
  readonly input = FACE_API_112_INPUT;
  private constructor(private readonly net: LandmarkNet) {}

  static async load(read: ReadModelFile): Promise<FaceApiLandmarkFeatures> {
    return new FaceApiLandmarkFeatures(await LandmarkNet.load(read));
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return this.net.extractor.features(x);
  }

  dispose(): void {
    disposeMap(this.net.map);
  }
}

import * as tf from "@tensorflow/tfjs";

import { FaceApiExpressionNet } from "../backbones/faceapi-expression.ts";
import type { ExpressionClass } from "../classes.ts";
import { DEFAULT_FACE_BOX } from "../face-crop.ts";
import type { ModelSources } from "../model-files.ts";
import { preprocess } from "../preprocess.ts";
import type { ExpressionModel } from "./expression-model.ts";
import type { ArtifactManifest } from "./manifest.ts";

/** The parts of a manifest that running a model needs (a published manifest has them all). */
export type ModelDescription = Pick<ArtifactManifest, "name" | "classes" | "preprocessing" | "calibration">;

/** An `ExpressionModel` whose description may come from outside the registry. */
export interface RunnableExpressionModel extends Omit<ExpressionModel, "manifest"> {
  readonly manifest: ModelDescription;
}

/** face-api's seven classes (it has no contempt), in canonical order. */
export const ZERO_SHOT_CLASSES = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"] as const satisfies readonly ExpressionClass[];

/**
 * The packaged face-api expression net, described like a published model. Calibration from
 * `research/zero-shot-calibration.ts` on FER2013 val (3,589 images): temperature fitted by NLL;
 * the abstain threshold is the lowest top probability at which val accuracy reaches 70%.
 */
export const ZERO_SHOT_DESCRIPTION = {
  name: "face-api expression net (packaged, zero-shot)",
  classes: [...ZERO_SHOT_CLASSES],
  preprocessing: { colour: "rgb", faceBox: DEFAULT_FACE_BOX, tta: "none" },
  calibration: { temperature: 5.75, abstainThreshold: 0.44 },
} as const satisfies ModelDescription;

/** What that calibration run measured, for the model card (FER2013 val, after temperature scaling). */
export const ZERO_SHOT_VAL_METRICS = {
  n: 3589,
  accuracy: 0.5548,
  macroF1: 0.5086,
  eceBeforeScaling: 0.3453,
  ece: 0.0342,
  coverage: 0.5631,
  accuracyWhenConfident: 0.7006,
} as const;

/**
 * The coach's model until the trainer publishes one: face-api's expression net on the crops,
 * with its outputs re-ordered to canonical classes and temperature-scaled.
 */
export class ZeroShotExpressionModel implements RunnableExpressionModel {
  readonly manifest: ModelDescription = ZERO_SHOT_DESCRIPTION;
  readonly classes: readonly ExpressionClass[] = ZERO_SHOT_CLASSES;
  private readonly columns: number[];

  private constructor(private readonly net: FaceApiExpressionNet) {
    this.columns = ZERO_SHOT_CLASSES.map((c) => net.labels.indexOf(c));
  }

  static async load(sources: Pick<ModelSources, "faceApi">): Promise<ZeroShotExpressionModel> {
    return new ZeroShotExpressionModel(await FaceApiExpressionNet.load(sources.faceApi));
  }

  predict(crops: tf.Tensor4D): tf.Tensor2D {
    const { temperature } = this.manifest.calibration;
    const flip = this.manifest.preprocessing.tta === "flip";
    return tf.tidy(() => {
      const run = (mirror: boolean) => this.net.classify(preprocess(crops, this.net.input, { flip: mirror }));
      const probs = flip ? tf.div(tf.add(run(false), run(true)), 2) : run(false);
      const ordered = tf.gather(probs, this.columns, 1);
      return tf.softmax(tf.div(tf.log(tf.maximum(ordered, 1e-12)), temperature)) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}

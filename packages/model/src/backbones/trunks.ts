import type * as tf from "@tensorflow/tfjs";

import { FINETUNE_BACKBONES, type FinetuneBackboneId } from "../cnn/architectures.ts";
import type { ModelSources } from "../model-files.ts";
import type { InputSpec } from "../preprocess.ts";
import { FACE_API_112_INPUT, FaceFeatureExtractor } from "./faceapi-feature-extractor.ts";
import { disposeMap, loadFaceApiWeights } from "./faceapi-weights.ts";

/**
 * The frozen lower part of a pretrained backbone whose top blocks were fine-tuned: its weights
 * ship in npm, so a version stores only the trained top. `blocks` counts the frozen blocks.
 */
export interface Trunk {
  readonly input: InputSpec;
  /** Preprocessed crops → the frozen part's feature map. */
  run(x: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

export type TrunkId = FinetuneBackboneId;

export function isTrunkId(id: string): id is TrunkId {
  return Object.hasOwn(FINETUNE_BACKBONES, id);
}

export async function loadTrunk(ref: { id: string; blocks: number }, sources: ModelSources): Promise<Trunk> {
  if (!isTrunkId(ref.id))
    throw new Error(`This model fine-tunes backbone ${ref.id}, which this version of Mien does not have. Update Mien or pick another model.`);
  if (ref.blocks < 1 || ref.blocks >= FINETUNE_BACKBONES[ref.id].blocks)
    throw new Error(`${ref.id} has ${FINETUNE_BACKBONES[ref.id].blocks} blocks; a trunk of ${ref.blocks} is not possible.`);
  const map = await loadFaceApiWeights(sources.faceApi, "face_expression_model");
  const extractor = new FaceFeatureExtractor(map);
  return {
    input: FACE_API_112_INPUT,
    run: (x) => extractor.featureMapsUpTo(x, ref.blocks),
    dispose: () => disposeMap(map),
  };
}

import * as tf from "@tensorflow/tfjs";

import { readJson, readShards, type ReadModelFile } from "../model-files.ts";

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** Loads a face-api `<name>-weights_manifest.json` + shards as named tensors (dequantised). */
export async function loadFaceApiWeights(read: ReadModelFile, modelName: string): Promise<tf.NamedTensorMap> {
  const manifest = await readJson<WeightsGroup[]>(read, `${modelName}-weights_manifest.json`);
  const map: tf.NamedTensorMap = {};
  for (const group of manifest) {
    const data = await readShards(read, group.paths);
    Object.assign(map, tf.io.decodeWeights(data, group.weights));
  }
  return map;
}

/** Looks a weight up by name, failing loudly when the file is not the expected model. */
export function weight<R extends tf.Rank>(map: tf.NamedTensorMap, name: string, rank: number): tf.Tensor<R> {
  const t = map[name];
  if (!t || t.rank !== rank) {
    throw new Error(`face-api weights have no rank-${rank} tensor "${name}"; is the model file the right one?`);
  }
  return t as tf.Tensor<R>;
}

export function disposeMap(map: tf.NamedTensorMap): void {
  for (const t of Object.values(map)) t.dispose();
}

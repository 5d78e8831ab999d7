import * as tf from "@tensorflow/tfjs";

import { quantizeWeights, type Quantization } from "./quantize.ts";

/** The trainable part of a version as files: a TF.js layers model.json and one weight shard. */
export interface HeadFiles {
  "model.json": Uint8Array;
  [shard: string]: Uint8Array;
}

export const HEAD_SHARD = "weights.bin";

/** Serialises a layers model with quantised weights, in the format `tf.loadLayersModel` reads. */
export async function headFiles(model: tf.LayersModel, quantization: Quantization): Promise<HeadFiles> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!saved?.weightSpecs || !saved.weightData) throw new Error("Saving the head produced no weights.");
  const data = Array.isArray(saved.weightData) ? tf.io.concatenateArrayBuffers(saved.weightData) : saved.weightData;
  const decoded = tf.io.decodeWeights(data, saved.weightSpecs);
  const weights = await Promise.all(
    saved.weightSpecs.map(async (spec) => {
      const t = decoded[spec.name]!;
      return { name: spec.name, shape: spec.shape, values: (await t.data()) as Float32Array };
    }),
  );
  tf.dispose(Object.values(decoded));
  const q = quantizeWeights(weights, quantization);
  const json = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: "mien trainer",
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [HEAD_SHARD], weights: q.specs }],
  };
  return { "model.json": new TextEncoder().encode(JSON.stringify(json)), [HEAD_SHARD]: new Uint8Array(q.data) };
}

interface LayersModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** Loads a head from its model.json and shard bytes (by shard name). */
export async function loadHead(modelJson: Uint8Array | ArrayBuffer, shard: (name: string) => Promise<ArrayBuffer>): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as LayersModelJson;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error("model.json is not a TF.js layers model.");
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  const parts = await Promise.all(paths.map((p) => shard(p)));
  const weightData = tf.io.concatenateArrayBuffers(parts);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** Names of the weight shards a model.json refers to. */
export function shardPaths(modelJson: Uint8Array | ArrayBuffer): string[] {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as LayersModelJson;
  return json.weightsManifest.flatMap((g) => g.paths);
}

import * as tf from "@tensorflow/tfjs";

import { readJson, readShards, type ReadModelFile } from "../model-files.ts";
import type { InputSpec } from "../preprocess.ts";
import type { Backbone } from "./types.ts";

interface GraphModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: object;
}

interface ShapeDims {
  dim?: Array<{ size?: string }>;
}

/**
 * Marks the spatial dims of every input placeholder as unknown, so that a fully convolutional
 * net with global pooling can run at another resolution than it was exported with.
 */
function freeSpatialInputDims(json: GraphModelJson): void {
  const topology = json.modelTopology as { node?: Array<{ op: string; attr?: { shape?: { shape?: ShapeDims } } }> };
  const signature = json.signature as { inputs?: Record<string, { tensorShape?: ShapeDims }> } | undefined;
  const shapes: Array<ShapeDims | undefined> = [
    ...(topology.node ?? []).filter((n) => n.op === "Placeholder").map((n) => n.attr?.shape?.shape),
    ...Object.values(signature?.inputs ?? {}).map((i) => i.tensorShape),
  ];
  for (const shape of shapes) {
    if (shape?.dim?.length === 4) {
      shape.dim[1] = { size: "-1" };
      shape.dim[2] = { size: "-1" };
    }
  }
}

/** Loads a TF.js graph model (model.json + shards) through `read`, so Node and browser share it. */
export async function loadGraphModel(read: ReadModelFile, file: string, options: { anyInputSize?: boolean } = {}): Promise<tf.GraphModel> {
  const json = await readJson<GraphModelJson>(read, file);
  if (options.anyInputSize) freeSpatialInputDims(json);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const weightData = await readShards(
    read,
    json.weightsManifest.flatMap((g) => g.paths),
  );
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
  };
  return tf.loadGraphModel({ load: async () => artifacts });
}

export interface GraphBackboneConfig {
  id: string;
  file: string;
  input: InputSpec;
  /** Graph node whose value is the embedding. */
  node: string;
  dim: number;
  /** True when `input.size` differs from the size the graph was exported with. */
  resized?: boolean;
}

/**
 * Human library models used as frozen feature extractors. Input specs follow how Human feeds
 * them (its face crops are 0..1 floats): faceres ×255, mobilefacenet and gear 0..1, gear on
 * Human's fixed crop box. The emotion model is deliberately absent (see human-emotion.ts).
 */
export const HUMAN_BACKBONES = {
  faceres: {
    id: "faceres",
    file: "faceres.json",
    input: { size: 224, channels: 3, mean: [0], scale: 1 },
    node: "global_pooling/Mean",
    dim: 1024,
  },
  "faceres-deep": {
    id: "faceres-deep",
    file: "faceres-deep.json",
    input: { size: 224, channels: 3, mean: [0], scale: 1 },
    node: "global_pooling/Mean",
    dim: 1024,
  },
  // The same nets at half resolution (FER2013 faces are 48×48, so 224 adds no detail): 4× cheaper.
  "faceres-112": {
    id: "faceres-112",
    file: "faceres.json",
    input: { size: 112, channels: 3, mean: [0], scale: 1 },
    node: "global_pooling/Mean",
    dim: 1024,
    resized: true,
  },
  "faceres-deep-112": {
    id: "faceres-deep-112",
    file: "faceres-deep.json",
    input: { size: 112, channels: 3, mean: [0], scale: 1 },
    node: "global_pooling/Mean",
    dim: 1024,
    resized: true,
  },
  "gear-112": {
    id: "gear-112",
    file: "gear.json",
    input: { size: 112, channels: 3, mean: [0], scale: 1 / 255, crop: [0, 0.1, 0.9, 0.9] },
    node: "StatefulPartitionedCall/model_1/global_max_pooling2d_1/Max",
    dim: 192,
    resized: true,
  },
  mobilefacenet: {
    id: "mobilefacenet",
    file: "mobilefacenet.json",
    input: { size: 112, channels: 3, mean: [0], scale: 1 / 255 },
    node: "MobileFaceNet/Logits/SpatialSqueeze",
    dim: 192,
  },
  mobileface: {
    id: "mobileface",
    file: "mobileface.json",
    input: { size: 112, channels: 3, mean: [0], scale: 1 },
    node: "batchnorm0/add_1",
    dim: 256,
  },
  gear: {
    id: "gear",
    file: "gear.json",
    input: { size: 198, channels: 3, mean: [0], scale: 1 / 255, crop: [0, 0.1, 0.9, 0.9] },
    node: "StatefulPartitionedCall/model_1/global_max_pooling2d_1/Max",
    dim: 192,
  },
} as const satisfies Record<string, GraphBackboneConfig>;

export type HumanBackboneId = keyof typeof HUMAN_BACKBONES;

export class GraphBackbone implements Backbone {
  readonly id: string;
  readonly dim: number;
  readonly input: InputSpec;

  constructor(
    private readonly model: tf.GraphModel,
    private readonly config: GraphBackboneConfig,
  ) {
    this.id = config.id;
    this.dim = config.dim;
    this.input = config.input;
  }

  static async load(read: ReadModelFile, config: GraphBackboneConfig): Promise<GraphBackbone> {
    return new GraphBackbone(await loadGraphModel(read, config.file, { anyInputSize: config.resized ?? false }), config);
  }

  embed(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const out = this.model.execute(x, this.config.node) as tf.Tensor;
      return tf.reshape(out, [x.shape[0], this.dim]) as tf.Tensor2D;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

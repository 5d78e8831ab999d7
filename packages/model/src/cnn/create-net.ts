import type { ModelSources } from "../model-files.ts";
import { CohortNet, type CohortSpec } from "./cohort.ts";
import { FaceApiTop, type FaceApiTopSpec } from "./faceapi-top.ts";
import type { TrainableNet } from "./net.ts";
import { ScratchCnn, type ScratchCnnSpec } from "./scratch-cnn.ts";

/** Every trainable architecture, by its spec (JSON, so it can cross into worker threads). */
export type NetSpec = ScratchCnnSpec | FaceApiTopSpec | CohortSpec;

export async function createNet(spec: NetSpec, seed: number, sources: () => Pick<ModelSources, "faceApi">): Promise<TrainableNet> {
  switch (spec.kind) {
    case "scratch-cnn":
      return new ScratchCnn(spec, seed);
    case "cohort":
      return new CohortNet(spec, seed);
    case "faceapi-top":
      return FaceApiTop.load(spec, sources(), seed);
  }
}

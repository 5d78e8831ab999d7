import type { TrainableNet } from "./net.ts";
import { ScratchCnn, type ScratchCnnSpec } from "./scratch-cnn.ts";

/** Every trainable architecture, by its spec (JSON, so it can cross into worker threads). */
export type NetSpec = ScratchCnnSpec;

export function createNet(spec: NetSpec, seed: number): TrainableNet {
  switch (spec.kind) {
    case "scratch-cnn":
      return new ScratchCnn(spec, seed);
  }
}

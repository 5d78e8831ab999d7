// The architecture catalogue lives in the leaf package @mien/vocabulary (job configs validate against it).
import { CNN_ARCHITECTURES, SCRATCH_INPUT_SIZE, type CnnArchitectureId } from "@mien/vocabulary/architectures";

import type { ScratchCnnSpec } from "./scratch-cnn.ts";

export * from "@mien/vocabulary/architectures";

/** The network a catalogue architecture names, on the 48 px gray input. */
export function architectureSpec(id: CnnArchitectureId, dropout: number, classes: number): ScratchCnnSpec {
  const arch = CNN_ARCHITECTURES[id];
  return {
    kind: "scratch-cnn",
    inputSize: SCRATCH_INPUT_SIZE,
    stages: arch.stages.map((filters) => ({ filters, convs: arch.convs })),
    dropout,
    classes,
  };
}

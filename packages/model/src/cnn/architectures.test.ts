import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { architectureSpec, CNN_ARCHITECTURE_IDS, CNN_ARCHITECTURES } from "./architectures.ts";
import { ScratchCnn, scratchParamCount } from "./scratch-cnn.ts";

it("every scratch architecture's label states its own widths and parameter count", async () => {
  await tf.setBackend("cpu");
  for (const id of CNN_ARCHITECTURE_IDS) {
    const arch = CNN_ARCHITECTURES[id];
    const spec = architectureSpec(id, 0.3, 7);
    const net = new ScratchCnn(spec, 1);
    const built = net.params.reduce((n, v) => n + v.size, 0);
    tf.dispose([...net.params, ...net.state.values()]);
    // The count the label and the bench use is the count of trainable weights the net really has.
    expect(scratchParamCount(spec), id).toBe(built);
    const [, widths, millions] = /\(([\d·]+), ([\d.]+) M parameters\)/.exec(arch.label) ?? [];
    expect(widths, `${id}'s label`).toBe(arch.stages.join("·"));
    expect(Number(millions), `${id}'s label`).toBe(Math.round(built / 1e5) / 10);
  }
});

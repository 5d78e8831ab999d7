import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { architectureSpec, CNN_ARCHITECTURE_IDS, CNN_ARCHITECTURES, progressiveCost, progressiveSide, sideCost } from "./architectures.ts";
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

it("progressive resizing grows the side in 4 px steps from the start to the full side, and costs what its sides cost", () => {
  const resize = { startSide: 32, epochs: 8 };
  const sides = Array.from({ length: 10 }, (_, i) => progressiveSide(48, resize, i + 1));
  expect(sides).toEqual([32, 36, 36, 40, 40, 44, 44, 48, 48, 48]);
  expect(progressiveSide(48, undefined, 1)).toBe(48);
  // Never under 24 px (four poolings), never over the full side.
  expect(progressiveSide(48, { startSide: 8, epochs: 4 }, 1)).toBe(24);
  // A schedule still being typed in the form costs what full size costs.
  expect(progressiveCost(48, { startSide: Number.NaN, epochs: 4 }, 10)).toBe(1);
  expect(progressiveCost(48, { startSide: 32, epochs: Number.NaN }, 10)).toBe(1);
  expect(progressiveCost(48, undefined, 30)).toBe(1);
  // One epoch at 32 px: a fifth stays at full cost, the rest scales with (32 / 48)², about what bench:kernels measured (0.48–0.53).
  expect(progressiveCost(48, { startSide: 32, epochs: 1 }, 1)).toBeCloseTo(0.2 + 0.8 * (4 / 9), 12);
  expect(sideCost(48, 32)).toBe(progressiveCost(48, { startSide: 32, epochs: 1 }, 1));
  expect(sideCost(48, 48)).toBe(1);
  expect(progressiveCost(48, resize, 10)).toBeCloseTo(sides.reduce((sum, s) => sum + 0.2 + 0.8 * (s / 48) ** 2, 0) / 10, 12);
  expect(progressiveCost(48, resize, 10)).toBeLessThan(0.85);
});

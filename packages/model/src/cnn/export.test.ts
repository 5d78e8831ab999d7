import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { rng } from "../training/random.ts";
import { scratchCnnToLayersModel } from "./export.ts";
import { writeArrays } from "./net.ts";
import { ScratchCnn, type ScratchCnnSpec } from "./scratch-cnn.ts";

it("the exported model (BN folded into the convolutions) gives the trained network's inference logits", async () => {
  await tf.setBackend("cpu");
  const spec: ScratchCnnSpec = {
    kind: "scratch-cnn",
    inputSize: 16,
    stages: [
      { filters: 4, convs: 2 },
      { filters: 6, convs: 1 },
    ],
    dropout: 0.5,
    classes: 5,
  };
  const net = new ScratchCnn(spec, 7);
  // Non-trivial BN parameters and running statistics, as after training.
  const r = rng(11);
  const states = [...net.state.entries()];
  writeArrays(
    states.map(([, v]) => v),
    states.map(([name, v]) => Float32Array.from({ length: v.size }, () => (name.endsWith("/variance") ? 0.2 + r() : r() - 0.5))),
  );
  const gammaBeta = net.params.filter((p, i) => /gamma|beta/.test(net.paramNames[i]!));
  writeArrays(
    gammaBeta,
    gammaBeta.map((p) => Float32Array.from({ length: p.size }, () => 0.5 + r())),
  );
  const x = tf.randomNormal([3, 16, 16, 1], 0, 1, "float32", 5) as tf.Tensor4D;
  const expected = net.forward(x, "infer").dataSync();
  const model = scratchCnnToLayersModel(spec, {
    paramNames: net.paramNames,
    params: net.params.map((p) => p.dataSync() as Float32Array),
    stateNames: [...net.state.keys()],
    state: [...net.state.values()].map((v) => v.dataSync() as Float32Array),
  });
  const actual = (model.predict(x) as tf.Tensor).dataSync();
  let diff = 0;
  let scale = 0;
  expected.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - actual[i]!))), (scale = Math.max(scale, Math.abs(v)))));
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(1e-5 * scale);
  // Dropout is training-only: the exported model has none.
  expect(model.layers.map((l) => l.getClassName())).not.toContain("Dropout");
  model.dispose();
  net.dispose();
  x.dispose();
});

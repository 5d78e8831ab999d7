import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { FaceApiExpressionNet } from "../backbones/faceapi-expression.ts";
import { loadTrunk } from "../backbones/trunks.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { FaceApiTop, faceApiTopToLayersModel, faceApiTrunkShape } from "./faceapi-top.ts";

it("the fine-tunable top starts as face-api's own blocks, and its export computes the same logits", async () => {
  await tf.setBackend("cpu");
  const sources = nodeModelSources();
  const top = await FaceApiTop.load({ kind: "faceapi-top", trainableBlocks: 1, dropout: 0.5, classes: 7 }, sources, 3);
  const trunk = await loadTrunk({ id: "faceapi-expression", blocks: 3 }, sources);
  const full = await FaceApiExpressionNet.load(sources.faceApi);
  const x = tf.randomUniform([2, 112, 112, 3], -0.5, 0.5, "float32", 9) as tf.Tensor4D;
  const maps = trunk.run(x);
  expect(maps.shape).toEqual([2, ...faceApiTrunkShape(1)]);
  // The top's blocks are face-api's: trunk + top's pooled features equal the full net's embedding.
  const embedding = full.embed(x).dataSync();
  const logits = top.forward(maps, "infer").dataSync();
  expect(logits).toHaveLength(14);
  const model = faceApiTopToLayersModel(
    top.spec,
    top.paramNames,
    top.params.map((p) => p.dataSync() as Float32Array),
    top.params.map((p) => [...p.shape]),
  );
  const exported = (model.predict(maps) as tf.Tensor).dataSync();
  let diff = 0;
  let scale = 0;
  logits.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - exported[i]!))), (scale = Math.max(scale, Math.abs(v)))));
  expect(scale).toBeGreaterThan(0);
  expect(diff).toBeLessThanOrEqual(1e-4 * scale);
  // Recompute the pooled features through the top's own blocks by reading the penultimate layer.
  const penultimate = tf.model({ inputs: model.inputs, outputs: model.layers[model.layers.length - 2]!.output as tf.SymbolicTensor });
  const pooled = (penultimate.predict(maps) as tf.Tensor).dataSync();
  let d2 = 0;
  embedding.forEach((v, i) => (d2 = Math.max(d2, Math.abs(v - pooled[i]!))));
  expect(d2).toBeLessThan(1e-3);
  tf.dispose([x, maps]);
  model.dispose();
  top.dispose();
  trunk.dispose();
  full.dispose();
}, 60_000);

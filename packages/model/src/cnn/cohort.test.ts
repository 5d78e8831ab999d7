import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { cohortDropRate, cohortLoss, cohortMemberArrays, CohortNet, cohortPrediction, DROP_RAMP_EPOCHS } from "./cohort.ts";
import { ScratchCnn, type ScratchCnnSpec } from "./scratch-cnn.ts";

const member: ScratchCnnSpec = { kind: "scratch-cnn", inputSize: 8, stages: [{ filters: 3, convs: 1 }], dropout: 0, classes: 4 };

it("a cohort member learns from its own logits only: the loss's gradient is softmax − (its mixed target), block by block", async () => {
  await tf.setBackend("cpu");
  const logits = tf.tensor2d([0.3, -1, 2, 0.5, 1, 1, -0.5, 0, -2, 0.1, 0.4, 1.5, 0.2, 0.2, 0.9, -1], [2, 8]);
  const target = tf.tensor2d([0.9, 0.05, 0.025, 0.025, 0.025, 0.025, 0.9, 0.05], [2, 4]);
  const w = 0.4;
  const grad = tf.grad((l) => tf.sum(cohortLoss(l as tf.Tensor2D, target, 2, w)))(logits);
  const [p0, p1] = (tf.split(logits, 2, 1) as tf.Tensor2D[]).map((p) => tf.softmax(p));
  const expected = tf.concat([tf.sub(p0!, tf.add(tf.mul(target, 1 - w), tf.mul(p1!, w))), tf.sub(p1!, tf.add(tf.mul(target, 1 - w), tf.mul(p0!, w)))], 1);
  const diff = tf.max(tf.abs(tf.sub(grad, expected))).dataSync()[0]!;
  expect(diff).toBeLessThan(1e-6);
  // The prediction is the members' mean log-probability.
  const mean = tf.div(tf.add(tf.log(p0!), tf.log(p1!)), 2);
  expect(tf.max(tf.abs(tf.sub(cohortPrediction(logits, 2), mean))).dataSync()[0]!).toBeLessThan(1e-5);
});

it("a cohort is its members side by side: each member is the network its seed makes, under its own names", async () => {
  await tf.setBackend("cpu");
  const cohort = new CohortNet({ kind: "cohort", member, members: 2, mutualWeight: 0.5, burnInEpochs: 0, classes: 4 }, 5);
  const alone = [new ScratchCnn(member, 5), new ScratchCnn(member, 5 + 7919)];
  expect(cohort.paramNames).toEqual([...alone[0]!.paramNames.map((n) => `m0/${n}`), ...alone[1]!.paramNames.map((n) => `m1/${n}`)]);
  expect([...cohort.state.keys()]).toEqual(["m0/s1c1/mean", "m0/s1c1/variance", "m1/s1c1/mean", "m1/s1c1/variance"]);
  const x = tf.randomNormal([3, 8, 8, 1], 0, 1, "float32", 9) as tf.Tensor4D;
  const stats: string[] = [];
  const train = cohort.forward(x, "train", (s) => stats.push(s.name));
  expect(train.shape).toEqual([3, 8]);
  expect(stats).toEqual(["m0/s1c1", "m1/s1c1"]);
  const solo = alone.map((net) => net.forward(x, "train"));
  expect(Array.from(train.dataSync())).toEqual(Array.from(tf.concat(solo, 1).dataSync()));
  // Inference: the mean log-probability of the members.
  const infer = cohort.forward(x, "infer");
  const expected = tf.div(tf.addN(alone.map((net) => tf.logSoftmax(net.forward(x, "infer")))), 2);
  expect(tf.max(tf.abs(tf.sub(infer, expected))).dataSync()[0]!).toBeLessThan(1e-5);
  // One member's arrays, its prefix dropped.
  const values = cohort.params.map((p) => p.dataSync() as Float32Array);
  const m1 = cohortMemberArrays(cohort.paramNames, values, 1);
  expect(m1.names).toEqual(alone[1]!.paramNames);
  expect(m1.values).toEqual(alone[1]!.params.map((p) => p.dataSync()));
  expect(() => new CohortNet({ kind: "cohort", member, members: 1, mutualWeight: 0.5, burnInEpochs: 0, classes: 4 }, 1)).toThrow(/at least 2 members/);
  cohort.dispose();
  for (const net of alone) net.dispose();
});

it("co-teaching: each member skips the images its peers fit worst and the rest count for more; the share ramps in after the burn-in", async () => {
  await tf.setBackend("cpu");
  // Member 1 fits image 0 badly (its label is class 0, member 1 says class 3); member 0 fits image 1 badly.
  const logits = tf.tensor2d([2, 0, 0, 0, -2, 0, 0, 3, 0, 0, -2, 0, 0, 2, 0, 0], [2, 8]);
  const target = tf.tensor2d([1, 0, 0, 0, 0, 1, 0, 0], [2, 4]);
  const full = tf
    .grad((l) => tf.sum(cohortLoss(l as tf.Tensor2D, target, 2, 0)))(logits)
    .arraySync() as number[][];
  const skipped = tf
    .grad((l) => tf.sum(cohortLoss(l as tf.Tensor2D, target, 2, 0, 0.5)))(logits)
    .arraySync() as number[][];
  const block = (g: number[][], image: number, m: number) => g[image]!.slice(m * 4, m * 4 + 4);
  // Member 0 skips image 0 (member 1's worst) and keeps image 1 at twice its weight; member 1 the other way round.
  expect(block(skipped, 0, 0).map(Math.abs)).toEqual([0, 0, 0, 0]);
  expect(block(skipped, 1, 1).map(Math.abs)).toEqual([0, 0, 0, 0]);
  block(skipped, 1, 0).forEach((g, k) => expect(g).toBeCloseTo(2 * block(full, 1, 0)[k]!, 6));
  block(skipped, 0, 1).forEach((g, k) => expect(g).toBeCloseTo(2 * block(full, 0, 1)[k]!, 6));
  // Nothing is skipped through the burn-in; then the share grows over DROP_RAMP_EPOCHS epochs.
  const spec = { dropRate: 0.2, burnInEpochs: 3 };
  [1, 3, 4, 3 + DROP_RAMP_EPOCHS, 20].forEach((e, i) => expect(cohortDropRate(spec, e)).toBeCloseTo([0, 0, 0.2 / DROP_RAMP_EPOCHS, 0.2, 0.2][i]!, 12));
  expect(cohortDropRate({ burnInEpochs: 0 }, 5)).toBe(0);
});

import * as tf from "@tensorflow/tfjs";
import { expect, it } from "vitest";

import { writeArrays } from "./net.ts";

it("writing weights into variables every step leaves no tensors behind", async () => {
  await tf.setBackend("cpu");
  const vars = [tf.variable(tf.zeros([3, 2])), tf.variable(tf.zeros([4]))];
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) writeArrays(vars, [new Float32Array(6).fill(i), new Float32Array(4).fill(-i)]);
  expect(tf.memory().numTensors).toBe(before);
  expect(Array.from(vars[0]!.dataSync())).toEqual([4, 4, 4, 4, 4, 4]);
  expect(() => writeArrays(vars, [new Float32Array(5), new Float32Array(4)])).toThrow(/5 values for a variable of 6/);
  tf.dispose(vars);
});

import * as tf from "@tensorflow/tfjs";

/** One named array of a network: a trainable parameter or a piece of state (BN running stats). */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Batch statistics one BN layer saw in a training forward pass, for the running averages. */
export interface BnBatchStats {
  name: string;
  mean: Float32Array;
  variance: Float32Array;
}

export type ForwardMode = "train" | "infer";

/**
 * A trainable network as the data-parallel trainer sees it: named parameters, named state,
 * and a forward pass from preprocessed inputs to logits. The same object runs in every worker
 * thread; the coordinator only moves Float32Arrays.
 */
export interface TrainableNet {
  readonly params: readonly tf.Variable[];
  readonly paramNames: readonly string[];
  /** BN running means and variances, by "<layer>/mean" and "<layer>/variance". */
  readonly state: ReadonlyMap<string, tf.Variable>;
  /** Preprocessed batch [n, h, w, c] → logits [n, classes]. In "train" mode BN uses batch stats and dropout is on. */
  forward(x: tf.Tensor4D, mode: ForwardMode, sink?: (stats: BnBatchStats) => void, seed?: number): tf.Tensor2D;
  /**
   * Mutual distillation (cohort.ts): "train" logits are [n, members × classes], one block per member;
   * each step's peers' share comes with its shards (ShardTask.mutualWeight, from cohortMutualWeight).
   */
  readonly cohort?: { members: number };
  dispose(): void;
}

export function readArrays(names: readonly string[], vars: readonly tf.Variable[]): NamedArray[] {
  return vars.map((v, i) => ({ name: names[i]!, shape: [...v.shape], values: v.dataSync() as Float32Array }));
}

/** Writes values into variables by position, checking shapes. */
export function writeArrays(vars: readonly tf.Variable[], values: readonly Float32Array[]): void {
  if (values.length !== vars.length) throw new Error(`Expected ${vars.length} arrays, got ${values.length}.`);
  vars.forEach((v, i) => {
    const data = values[i]!;
    if (data.length !== v.size) throw new Error(`Array ${i} has ${data.length} values for a variable of ${v.size}.`);
    // assign() shares the new tensor's data; the temporary itself must still be freed.
    const value = tf.tensor(data, v.shape, "float32");
    v.assign(value);
    value.dispose();
  });
}

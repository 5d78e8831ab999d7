import * as tf from "@tensorflow/tfjs";

import type { BnBatchStats, ForwardMode, TrainableNet } from "./net.ts";
import { ScratchCnn, type ScratchCnnSpec } from "./scratch-cnn.ts";

/**
 * Mutual (online) distillation: `members` copies of one scratch CNN, each from its own
 * initialisation, trained together on the same batches. Each member's target mixes the step's
 * target (label, smoothing, any teacher) with the other members' probabilities, held fixed:
 * (1 − mutualWeight) · target + mutualWeight · mean of the peers' softmax, from the epoch after
 * `burnInEpochs` (until then the weight is 0 and each member trains as it would alone).
 */
export interface CohortSpec {
  kind: "cohort";
  member: ScratchCnnSpec;
  members: number;
  mutualWeight: number;
  burnInEpochs: number;
  /**
   * Co-teaching: after the burn-in, each member skips this share of each batch, the images its
   * peers fit worst (largest loss against the step's target), ramped in over DROP_RAMP_EPOCHS.
   * Noisy labels are what the peers fit worst, so a member stops learning them. 0 or absent: off.
   */
  dropRate?: number;
  classes: number;
}

/** Member i's names are prefixed "m<i>/" (params, BN state and batch statistics). */
export const cohortPrefix = (i: number) => `m${i}/`;

export class CohortNet implements TrainableNet {
  readonly params: tf.Variable[] = [];
  readonly paramNames: string[] = [];
  readonly state = new Map<string, tf.Variable>();
  private readonly nets: ScratchCnn[];

  constructor(
    readonly spec: CohortSpec,
    seed: number,
  ) {
    if (spec.members < 2) throw new Error(`A cohort needs at least 2 members, not ${spec.members}.`);
    // Seeds far apart so that no two members draw the same initial weights.
    this.nets = Array.from({ length: spec.members }, (_, i) => new ScratchCnn(spec.member, seed + 7919 * i));
    this.nets.forEach((net, i) => {
      this.params.push(...net.params);
      this.paramNames.push(...net.paramNames.map((n) => cohortPrefix(i) + n));
      for (const [name, v] of net.state) this.state.set(cohortPrefix(i) + name, v);
    });
  }

  /**
   * "train": every member's logits side by side, [n, members × classes] (cohortLoss splits them).
   * "infer": the members' mean log-probability, [n, classes], the way a version's members combine.
   */
  forward(x: tf.Tensor4D, mode: ForwardMode, sink?: (stats: BnBatchStats) => void, seed?: number): tf.Tensor2D {
    return tf.tidy(() => {
      const logits = this.nets.map((net, i) =>
        net.forward(x, mode, sink && ((s) => sink({ ...s, name: cohortPrefix(i) + s.name })), seed === undefined ? undefined : seed + 104729 * i),
      );
      return mode === "train" ? tf.concat(logits, 1) : meanLogProbability(logits);
    });
  }

  get cohort(): { members: number } {
    return { members: this.spec.members };
  }

  dispose(): void {
    for (const net of this.nets) net.dispose();
  }
}

/** The peers' share of each target in a (1-based) epoch: 0 through the burn-in, then the cohort's weight. */
export function cohortMutualWeight(spec: Pick<CohortSpec, "mutualWeight" | "burnInEpochs">, epoch: number): number {
  return epoch > spec.burnInEpochs ? spec.mutualWeight : 0;
}

/** Epochs over which co-teaching's share of skipped images grows from 0 to the cohort's dropRate. */
export const DROP_RAMP_EPOCHS = 5;

/** The share of each batch a member skips in a (1-based) epoch: 0 through the burn-in, then ramped up to dropRate. */
export function cohortDropRate(spec: Pick<CohortSpec, "dropRate" | "burnInEpochs">, epoch: number): number {
  const rate = spec.dropRate ?? 0;
  if (rate <= 0 || epoch <= spec.burnInEpochs) return 0;
  return rate * Math.min(1, (epoch - spec.burnInEpochs) / DROP_RAMP_EPOCHS);
}

/**
 * Per image, 1 where a member keeps it and 0 where it skips it: the round(n · dropRate) images whose
 * mean cross-entropy under the other members (`peerLosses[j]`, member j's per-image loss) is largest.
 */
function keptByPeers(peerLosses: Float32Array[], n: number, dropRate: number): Float32Array {
  const mean = new Float32Array(n);
  for (const l of peerLosses) for (let k = 0; k < n; k++) mean[k]! += l[k]! / peerLosses.length;
  const skip = Math.round(n * dropRate);
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => mean[b]! - mean[a]! || a - b);
  const kept = new Float32Array(n).fill(1);
  for (let k = 0; k < skip; k++) kept[order[k]!] = 0;
  return kept;
}

/**
 * Per-image cross-entropy of a cohort's training logits [n, members × classes] against `target`
 * [n, classes], summed over members: each member learns from (1 − w) · target + w · its peers'
 * mean probabilities. The peers' probabilities are read out of the graph, so no gradient flows
 * through them: each member's gradient is that of its own loss. With a `dropRate` (co-teaching),
 * each member's loss leaves out the images its peers fit worst (keptByPeers), the rest scaled up to match.
 */
export function cohortLoss(logits: tf.Tensor2D, target: tf.Tensor2D, members: number, mutualWeight: number, dropRate = 0): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = tf.split(logits, members, 1) as tf.Tensor2D[];
    const probs = parts.map((p) => tf.tensor2d(tf.softmax(p).dataSync() as Float32Array, p.shape as [number, number]));
    const n = logits.shape[0];
    // Co-teaching: each member's loss against the target alone, read out of the graph, decides what its peers skip.
    const ownLosses = dropRate > 0 ? parts.map((p) => tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(p)), 1)).dataSync() as Float32Array) : [];
    const losses = parts.map((p, i) => {
      const peers = tf.div(tf.addN(probs.filter((_, j) => j !== i)), members - 1);
      const t = tf.add(tf.mul(target, 1 - mutualWeight), tf.mul(peers, mutualWeight));
      const loss = tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(p)), 1));
      if (dropRate <= 0) return loss;
      const kept = keptByPeers(
        ownLosses.filter((_, j) => j !== i),
        n,
        dropRate,
      );
      // Scaled so that a step's size does not shrink with the share skipped.
      const count = kept.reduce((a, b) => a + b, 0);
      return tf.mul(loss, tf.tensor1d(kept.map((k) => (count > 0 ? (k * n) / count : 0))));
    });
    return tf.addN(losses) as tf.Tensor1D;
  });
}

/** The members' mean log-probability, [n, classes]: how a version's members combine. */
function meanLogProbability(logits: readonly tf.Tensor2D[]): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.addN(logits.map((l) => tf.logSoftmax(l))), logits.length) as tf.Tensor2D);
}

/** A cohort's training logits as one prediction per image (the members' mean log-probability). */
export function cohortPrediction(logits: tf.Tensor2D, members: number): tf.Tensor2D {
  return tf.tidy(() => meanLogProbability(tf.split(logits, members, 1) as tf.Tensor2D[]));
}

/** One member's trained arrays, its "m<i>/" prefix dropped (to export it as a plain scratch CNN). */
export function cohortMemberArrays(names: readonly string[], values: readonly Float32Array[], i: number): { names: string[]; values: Float32Array[] } {
  const prefix = cohortPrefix(i);
  const out = { names: [] as string[], values: [] as Float32Array[] };
  names.forEach((n, k) => {
    if (!n.startsWith(prefix)) return;
    out.names.push(n.slice(prefix.length));
    out.values.push(values[k]!);
  });
  return out;
}

import { packTensors, unpackTensors, type TensorRecord } from "../training/tensor-pack.ts";
import type { CnnCheckpoint } from "./train-cnn.node.ts";

interface Header {
  format: "mien.conv-checkpoint";
  fingerprint: string;
  epoch: number;
  finished: boolean;
  history: CnnCheckpoint["history"];
  best: { epoch: number; valAccuracy: number; averaged?: boolean };
}

const records = (arrays: readonly Float32Array[], prefix: string): TensorRecord[] =>
  arrays.map((values, i) => ({ name: `${prefix}${i}`, shape: [values.length], values }));
const arrays = (list: readonly TensorRecord[] | undefined) => (list ?? []).map((r) => r.values);

/** A conv-training checkpoint as one self-describing buffer (stored per training job). */
export function encodeCnnCheckpoint(c: CnnCheckpoint): Uint8Array {
  const header: Header = {
    format: "mien.conv-checkpoint",
    fingerprint: c.fingerprint,
    epoch: c.epoch,
    finished: c.finished,
    history: c.history,
    best: { epoch: c.best.epoch, valAccuracy: c.best.valAccuracy, averaged: c.best.averaged },
  };
  return packTensors(header, {
    params: records(c.params, "p"),
    velocity: records(c.velocity, "v"),
    state: records(c.state, "s"),
    bestParams: records(c.best.params, "p"),
    bestState: records(c.best.state, "s"),
    averageParams: c.average ? records(c.average.params, "p") : [],
    averageState: c.average ? records(c.average.state, "s") : [],
    teacher: c.teacher ? records([c.teacher], "t") : [],
  });
}

export function decodeCnnCheckpoint(bytes: Uint8Array): CnnCheckpoint {
  const { header, groups } = unpackTensors<Header>(bytes);
  if (header.format !== "mien.conv-checkpoint") throw new Error("Not a conv-training checkpoint.");
  return {
    fingerprint: header.fingerprint,
    epoch: header.epoch,
    finished: header.finished,
    history: header.history,
    params: arrays(groups.params),
    velocity: arrays(groups.velocity),
    state: arrays(groups.state),
    best: { ...header.best, params: arrays(groups.bestParams), state: arrays(groups.bestState) },
    average: groups.averageParams?.length ? { params: arrays(groups.averageParams), state: arrays(groups.averageState) } : undefined,
    teacher: groups.teacher?.[0]?.values,
  };
}

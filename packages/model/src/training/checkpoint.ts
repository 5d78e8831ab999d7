import type { HeadCheckpoint } from "./head-trainer.ts";
import { packTensors, unpackTensors } from "./tensor-pack.ts";

type CheckpointHeader = Omit<HeadCheckpoint, "weights" | "bestWeights" | "optimizer"> & { format: "mien.head-checkpoint" };

/** A head checkpoint as one self-describing buffer (stored per training job). */
export function encodeCheckpoint(c: HeadCheckpoint): Uint8Array {
  const { weights, bestWeights, optimizer, ...rest } = c;
  // JSON has no Infinity: a checkpoint before any finished epoch never exists, so bestValLoss is finite.
  return packTensors({ format: "mien.head-checkpoint", ...rest } satisfies CheckpointHeader, { weights, bestWeights, optimizer });
}

export function decodeCheckpoint(bytes: Uint8Array): HeadCheckpoint {
  const { header, groups } = unpackTensors<CheckpointHeader>(bytes);
  if (header.format !== "mien.head-checkpoint") throw new Error("Not a head checkpoint.");
  const { format: _format, ...rest } = header;
  return { ...rest, weights: groups.weights ?? [], bestWeights: groups.bestWeights ?? [], optimizer: groups.optimizer ?? [] };
}

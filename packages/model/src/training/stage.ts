import type { ModelMember } from "../artifact/manifest.ts";
import type { EpochResult } from "./head-trainer.ts";
import type { PipelineProgress, TrainingPipelineInput } from "./pipeline.node.ts";
import type { Split, TrainingImage } from "./recipe.ts";

/** What a training stage (one per mode) gets from the pipeline. */
export interface StageContext {
  input: TrainingPipelineInput;
  splits: Record<Split, TrainingImage[]>;
  report(p: Omit<PipelineProgress, "history">, force?: boolean): Promise<void>;
  /** Every finished epoch so far (reported with each progress update). */
  history: EpochResult[];
  /** The epoch a resumed run continued after. */
  resumed: number | undefined;
}

/** A trained model's members and files, before evaluation. */
export interface StageResult {
  members: ModelMember[];
  /** Pretrained parts the members use, with provenance. */
  backbones: { id: string; provenance: string }[];
  files: Map<string, Uint8Array>;
  /** Val accuracy of the float (unquantised) model, at the chosen epoch. */
  floatValAccuracy: number;
  history: EpochResult[];
  bestEpoch: number;
  stats: { embedded: number; cachedEmbeddings: number; embedSeconds: number; imagesPerSecond?: number };
  /** The version the network was distilled from, recorded in the manifest's training record. */
  teacher?: { name: string; contentHash: string };
}

/** What every mode's checkpoint carries to be resumed: whose run it is, where it stopped, what came before. */
export interface ResumableCheckpoint {
  fingerprint: string;
  epoch: number;
  history: EpochResult[];
}

export interface Resumption<C extends ResumableCheckpoint> {
  /** The stored checkpoint, if one could be read (its fingerprint may be another run's). */
  checkpoint: C | null;
  /** The epoch this run continues after, when the checkpoint is this run's. */
  resumedFrom: number | undefined;
}

/**
 * The last checkpoint, read with the mode's own `decode`, if it belongs to the run with this
 * fingerprint; an unreadable one is logged and ignored (the run starts over). The context's
 * history continues from it.
 */
export async function resumeFrom<C extends ResumableCheckpoint>(
  ctx: StageContext,
  fingerprint: string,
  decode: (bytes: Uint8Array) => C,
): Promise<Resumption<C>> {
  const { hooks } = ctx.input;
  const stored = await hooks.loadCheckpoint();
  let checkpoint: C | null = null;
  if (stored) {
    try {
      checkpoint = decode(stored);
    } catch (error) {
      hooks.log(`checkpoint unreadable, starting over: ${(error as Error).message}`);
    }
  }
  const resumedFrom = checkpoint?.fingerprint === fingerprint ? checkpoint.epoch : undefined;
  ctx.resumed = resumedFrom;
  if (checkpoint && resumedFrom !== undefined) ctx.history = [...checkpoint.history];
  return { checkpoint, resumedFrom };
}

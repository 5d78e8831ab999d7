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
}

import { encodeCnnCheckpoint } from "../cnn/checkpoint.ts";
import type { PixelDataset } from "../cnn/dataset-buffer.ts";
import { loadPixelDataset } from "../cnn/pixels.node.ts";
import type { CnnCheckpoint, CnnTrainingHooks } from "../cnn/train-cnn.node.ts";
import type { TrainingRecipe } from "./recipe.ts";
import type { Resumption, StageContext } from "./stage.ts";

/**
 * What the conv modes (finetune, scratch) share around `trainCnn`: decoding the faces with
 * progress, and reporting and checkpointing every epoch.
 */

/** Every image decoded once at `size` px, reported as the "preparing" stage's first 3%. */
export async function decodeImages(ctx: StageContext, ids: string[], size: number): Promise<PixelDataset> {
  const { input } = ctx;
  await ctx.report({ stage: "preparing", percent: 1, message: `Decoding ${ids.length} images` });
  return loadPixelDataset(ids, input.readImage, size, input.recipe.colour, async (done, total) => {
    await input.hooks.checkStop();
    await ctx.report(
      { stage: "preparing", percent: 1 + 2 * (done / total), batch: done, batches: total, message: `Decoded ${done} of ${total} images` },
      done === total,
    );
  });
}

/**
 * `trainCnn`'s hooks: stop when asked, progress after every batch, and after every epoch a
 * checkpoint (with `extra` kept beside the weights) and the epoch's val accuracy.
 */
export function epochHooks(
  ctx: StageContext,
  run: {
    fingerprint: string;
    resume: Resumption<CnnCheckpoint>;
    epochs: number;
    /** The pipeline's percentage once `epochDone` (fractional) epochs are done. */
    percent(epochDone: number): number;
    extra?: Pick<CnnCheckpoint, "teacher">;
  },
): CnnTrainingHooks {
  const { hooks } = ctx.input;
  const { epochs, percent } = run;
  const { resumedFrom } = run.resume;
  return {
    fingerprint: run.fingerprint,
    resume: run.resume.checkpoint,
    log: hooks.log,
    onBatch: async (epoch, batch, batches) => {
      await hooks.checkStop();
      await ctx.report({ stage: "training", percent: percent(epoch - 1 + batch / batches), epoch, epochs, batch, batches, resumedFrom }, false);
    },
    onEpoch: async (r, checkpoint) => {
      await hooks.checkStop();
      await hooks.saveCheckpoint(encodeCnnCheckpoint({ ...checkpoint, ...run.extra }), r.epoch);
      ctx.history = checkpoint.history;
      await ctx.report({
        stage: "training",
        percent: percent(r.epoch),
        epoch: r.epoch,
        epochs,
        resumedFrom,
        message: `Epoch ${r.epoch}: val accuracy ${(r.valAccuracy * 100).toFixed(1)}%`,
      });
    },
  };
}

/** The model card's words for weight averaging ("" when the recipe does not average): which weights val kept. */
export function averagedText(recipe: TrainingRecipe, bestAveraged: boolean): string {
  const d = recipe.conv.averaging;
  if (d === undefined) return "";
  return bestAveraged ? `, weights averaged (decay ${d} per step)` : `, live weights kept over their average (decay ${d})`;
}

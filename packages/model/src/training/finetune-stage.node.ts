import { createHash } from "node:crypto";

import { headFiles } from "../artifact/head-files.ts";
import type { ModelMember } from "../artifact/manifest.ts";
import { FACE_API_112_INPUT } from "../backbones/faceapi-feature-extractor.ts";
import { FINETUNE_BACKBONES } from "../cnn/architectures.ts";
import { NO_AUGMENTATION } from "../cnn/augment-draws.ts";
import { decodeCnnCheckpoint } from "../cnn/checkpoint.ts";
import { allocateFeatureDataset } from "../cnn/dataset-buffer.ts";
import { faceApiTopToLayersModel, faceApiTrunkShape, type FaceApiTopSpec } from "../cnn/faceapi-top.ts";
import { GradientWorkers } from "../cnn/gradient-workers.node.ts";
import { trainCnn } from "../cnn/train-cnn.node.ts";
import { averagedText, decodeImages, epochHooks } from "./conv-run.node.ts";
import { balancedClassWeights } from "./features.ts";
import { backboneProvenance } from "./provenance.ts";
import { resumeFrom, type StageContext, type StageResult } from "./stage.ts";

/**
 * Mode "finetune": the top blocks of a pretrained face backbone train, with a new classifier.
 * The frozen blocks run once per image (and per mirrored training image) on the worker
 * threads, into shared memory; every epoch then runs only the trainable top.
 */
export async function finetuneStage(ctx: StageContext): Promise<StageResult> {
  const { input, splits } = ctx;
  const { recipe, hooks } = input;
  const classes = recipe.classes;
  const k = classes.length;
  const { backbone, trainableBlocks } = recipe.conv;
  const blocks = FINETUNE_BACKBONES[backbone].blocks;
  if (trainableBlocks >= blocks) throw new Error(`${backbone} has ${blocks} blocks; fine-tune at most ${blocks - 1}.`);
  const spec: FaceApiTopSpec = { kind: "faceapi-top", trainableBlocks, dropout: recipe.conv.dropout, classes: k };
  const shape = faceApiTrunkShape(trainableBlocks);

  // ---- pixels at the backbone's input size
  const nTrain = splits.train.length;
  const nVal = splits.val.length;
  const ids = [...splits.train, ...splits.val].map((i) => i.sha256);
  const started = performance.now();
  const pixels = await decodeImages(ctx, ids, FACE_API_112_INPUT.size);

  // ---- the frozen trunk, once: originals, then mirrored copies of the training images
  const flips = recipe.augmentations.flip ? nTrain : 0;
  const features = allocateFeatureDataset(nTrain + nVal + flips, shape);
  const threads = input.threads ?? 2;
  const workers = await GradientWorkers.start(threads, {
    net: spec,
    seed: recipe.seed,
    backend: input.backend,
    data: features,
    norm: { mean: 0, scale: 1 },
    trunk: { id: backbone, blocks: blocks - trainableBlocks, pixels, out: features },
  });
  try {
    await ctx.report({ stage: "embedding", percent: 3, message: `Running the frozen ${blocks - trainableBlocks} blocks of ${backbone} once per image` });
    await workers.runTrunk(nTrain + nVal, flips, async (done, total) => {
      await hooks.checkStop();
      await ctx.report(
        { stage: "embedding", percent: 3 + 20 * (done / total), batch: done, batches: total, message: `Frozen blocks: ${done} of ${total} images` },
        done === total,
      );
    });
    const trunkSeconds = (performance.now() - started) / 1000;
    hooks.log(
      `trunk: ${nTrain + nVal + flips} feature maps ${shape.join("×")} in ${trunkSeconds.toFixed(1)} s (float16, ${(features.buffer.byteLength / 2 ** 20).toFixed(0)} MiB)`,
    );

    const train = {
      indices: Int32Array.from({ length: nTrain }, (_, i) => i),
      labels: Int32Array.from(splits.train, (i) => classes.indexOf(i.label)),
      ...(flips ? { alternates: Int32Array.from({ length: nTrain }, (_, i) => nTrain + nVal + i) } : {}),
    };
    const val = { indices: Int32Array.from({ length: nVal }, (_, i) => nTrain + i), labels: Int32Array.from(splits.val, (i) => classes.indexOf(i.label)) };

    // ---- training the top, resumable from the last epoch checkpoint
    const fingerprint = createHash("sha256")
      .update(JSON.stringify({ recipe: { ...recipe, name: undefined }, snapshot: input.snapshot.contentHash, train: nTrain, val: nVal }))
      .digest("hex");
    const resume = await resumeFrom(ctx, fingerprint, decodeCnnCheckpoint);
    const { resumedFrom } = resume;
    const epochs = recipe.epochs;
    const percent = (epochDone: number) => Math.round((23 + 65 * Math.min(1, epochDone / epochs)) * 10) / 10;
    await ctx.report({
      stage: "training",
      percent: percent(resumedFrom ?? 0),
      epoch: resumedFrom ?? 0,
      epochs,
      resumedFrom,
      message: resumedFrom ? `Resuming after epoch ${resumedFrom}` : `Fine-tuning the top ${trainableBlocks} block(s) of ${backbone}`,
    });
    const result = await trainCnn(
      features,
      train,
      val,
      {
        net: spec,
        norm: { mean: 0, scale: 1 },
        epochs,
        batchSize: recipe.batchSize,
        shards: recipe.conv.shards,
        threads,
        backend: input.backend,
        learningRate: recipe.learningRate.initial,
        warmupEpochs: recipe.learningRate.warmupEpochs,
        momentum: 0.9,
        weightDecay: recipe.conv.weightDecay,
        labelSmoothing: recipe.conv.labelSmoothing,
        classWeights: recipe.balancing === "class-weights" ? Float32Array.from(balancedClassWeights(train.labels, k)) : null,
        augment: NO_AUGMENTATION,
        bnMomentum: 0.99,
        emaDecay: recipe.conv.averaging,
        seed: recipe.seed,
      },
      epochHooks(ctx, { fingerprint, resume, epochs, percent }),
      workers,
    );
    ctx.history = result.history;
    hooks.log(`fine-tuning: ${result.imagesPerSecond.toFixed(0)} images/s on ${threads} thread(s), best epoch ${result.bestEpoch}`);

    const model = faceApiTopToLayersModel(spec, result.paramNames, result.params, result.paramShapes);
    const files = new Map<string, Uint8Array>(Object.entries(await headFiles(model, recipe.quantization)));
    model.dispose();
    const member: ModelMember = {
      kind: "conv",
      trunk: { id: backbone, blocks: blocks - trainableBlocks },
      architecture: `${backbone}: top ${trainableBlocks} of ${blocks} blocks fine-tuned, new ${k}-class classifier${averagedText(recipe, result.bestAveraged)}`,
      modelFile: "model.json",
      quantization: recipe.quantization,
    };
    const best = result.history.find((h) => h.epoch === result.bestEpoch);
    return {
      members: [member],
      backbones: [{ id: backbone, provenance: backboneProvenance(backbone) }],
      files,
      floatValAccuracy: best?.valAccuracy ?? 0,
      history: result.history,
      bestEpoch: result.bestEpoch,
      stats: { embedded: nTrain + nVal + flips, cachedEmbeddings: 0, embedSeconds: trunkSeconds, imagesPerSecond: result.imagesPerSecond },
    };
  } finally {
    await workers.close();
  }
}

import { createHash } from "node:crypto";

import { headFiles } from "../artifact/head-files.ts";
import type { ModelMember } from "../artifact/manifest.ts";
import { architectureSpec, CNN_ARCHITECTURES, SCRATCH_INPUT_SIZE } from "../cnn/architectures.ts";
import { decodeCnnCheckpoint } from "../cnn/checkpoint.ts";
import { cohortMemberArrays, type CohortSpec } from "../cnn/cohort.ts";
import { scratchCnnToLayersModel } from "../cnn/export.ts";
import { SCRATCH_INPUT_MEAN, SCRATCH_INPUT_SCALE, type ScratchCnnSpec } from "../cnn/scratch-cnn.ts";
import { selectRows, trainCnn, type CnnTrainingResult } from "../cnn/train-cnn.node.ts";
import { averagedText, decodeImages, epochHooks } from "./conv-run.node.ts";
import { teacherTargets, type Teacher } from "./distill.node.ts";
import { addMemberFiles } from "./ensemble.node.ts";
import { TrainingInputError } from "./errors.ts";
import { balancedClassWeights } from "./features.ts";
import { permutation } from "./random.ts";
import type { TrainingRecipe } from "./recipe.ts";
import { resumeFrom, type StageContext, type StageResult } from "./stage.ts";

/** The model card's description of a scratch network: its widths, its teacher and which weights were kept. */
export function scratchArchitectureText(
  recipe: TrainingRecipe,
  taughtBy: { name: string; contentHash: string } | null,
  bestAveraged: boolean,
  member?: number,
): string {
  const arch = CNN_ARCHITECTURES[recipe.conv.architecture];
  const distill = recipe.conv.distill;
  const cohort = recipe.conv.cohort;
  const taughtByText =
    taughtBy && distill ? `, distilled from ${taughtBy.name.slice(0, 60)} (${taughtBy.contentHash.slice(0, 12)}, weight ${distill.weight})` : "";
  const cohortText = cohort
    ? `, member ${(member ?? 0) + 1} of ${cohort.members} trained together (mutual weight ${cohort.weight}${cohort.burnIn ? ` after ${cohort.burnIn} epoch${cohort.burnIn === 1 ? "" : "s"} alone` : ""}${cohort.dropRate ? `, co-teaching ${Math.round(cohort.dropRate * 100)}%` : ""})`
    : "";
  const resize = recipe.conv.progressive;
  const resizeText = resize
    ? `, its first ${resize.epochs === 1 ? "epoch" : `${resize.epochs} epochs`} on faces grown from ${resize.startSide} to ${SCRATCH_INPUT_SIZE} px`
    : "";
  return `${recipe.conv.architecture}: ${arch.stages.join("·")} ×${arch.convs} conv, BN folded, from scratch${taughtByText}${cohortText}${resizeText}${averagedText(recipe, bestAveraged)}`;
}

export function scratchSpec(recipe: TrainingRecipe): ScratchCnnSpec {
  return architectureSpec(recipe.conv.architecture, recipe.conv.dropout, recipe.classes.length);
}

/** What the trainer trains: the recipe's CNN, or a cohort of them (mutual distillation). */
function trainedSpec(recipe: TrainingRecipe): ScratchCnnSpec | CohortSpec {
  const member = scratchSpec(recipe);
  const cohort = recipe.conv.cohort;
  return cohort
    ? {
        kind: "cohort",
        member,
        members: cohort.members,
        mutualWeight: cohort.weight,
        burnInEpochs: cohort.burnIn ?? 0,
        dropRate: cohort.dropRate ?? 0,
        classes: member.classes,
      }
    : member;
}

/**
 * The trained network(s) as version files and members: one CNN as model.json + weights.bin, a
 * cohort's members as m<i>.json + m<i>-0.bin (the naming `mien ensemble` uses), equally weighted.
 */
async function exportScratch(
  recipe: TrainingRecipe,
  result: CnnTrainingResult,
  taughtBy: { name: string; contentHash: string } | null,
): Promise<{ files: Map<string, Uint8Array>; members: ModelMember[] }> {
  const spec = scratchSpec(recipe);
  const count = recipe.conv.cohort?.members ?? 1;
  const files = new Map<string, Uint8Array>();
  const members: ModelMember[] = [];
  for (let i = 0; i < count; i++) {
    const own = (names: readonly string[], values: readonly Float32Array[]) =>
      recipe.conv.cohort ? cohortMemberArrays(names, values, i) : { names: [...names], values: [...values] };
    const params = own(result.paramNames, result.params);
    const state = own(result.stateNames, result.state);
    const model = scratchCnnToLayersModel(spec, { paramNames: params.names, params: params.values, stateNames: state.names, state: state.values });
    const saved = await headFiles(model, recipe.quantization);
    model.dispose();
    let modelFile = "model.json";
    if (recipe.conv.cohort) modelFile = await addMemberFiles(files, i, saved["model.json"], (path) => saved[path]!);
    else for (const [name, bytes] of Object.entries(saved)) files.set(name, bytes);
    members.push({
      kind: "conv",
      input: { size: spec.inputSize, channels: 1, mean: SCRATCH_INPUT_MEAN, scale: SCRATCH_INPUT_SCALE },
      architecture: scratchArchitectureText(recipe, taughtBy, result.bestAveraged, i),
      modelFile,
      quantization: recipe.quantization,
    });
  }
  return { files, members };
}

/** Class-balanced resampling by index: every class repeated up to the largest class's count. */
function oversampleIndices(labels: Int32Array, k: number, seed: number): Int32Array {
  const byClass = Array.from({ length: k }, () => [] as number[]);
  labels.forEach((y, i) => byClass[y]!.push(i));
  const target = Math.max(...byClass.map((c) => c.length));
  const out: number[] = [];
  byClass.forEach((list, c) => {
    if (!list.length) return;
    const order = permutation(list.length, seed + c);
    for (let i = 0; i < target; i++) out.push(list[order[i % list.length]!]!);
  });
  return Int32Array.from(out);
}

/** The teacher's probabilities for every train image, in the recipe's classes (once per run). */
async function distillTargets(ctx: StageContext, teacher: Teacher): Promise<Float32Array> {
  const { input, splits } = ctx;
  const started = performance.now();
  const soft = await teacherTargets(
    teacher,
    input.recipe.classes,
    splits.train.map((i) => i.sha256),
    input.readImage,
    async (done, total) => {
      await input.hooks.checkStop();
      await ctx.report(
        { stage: "preparing", percent: 3, batch: done, batches: total, message: `Teacher ${teacher.model.manifest.name}: ${done} of ${total} images` },
        done === total,
      );
    },
  );
  input.hooks.log(
    `teacher ${teacher.ref} (${teacher.contentHash.slice(0, 12)}): ${splits.train.length} train images in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return soft;
}

/**
 * Mode "scratch": a conv network trained from the images
 * themselves, with fresh augmentations every epoch, data-parallel over worker threads,
 * checkpointed after every epoch and resumable.
 */
export async function convStage(ctx: StageContext): Promise<StageResult> {
  const { input, splits } = ctx;
  const { recipe, hooks } = input;
  const classes = recipe.classes;
  const k = classes.length;
  const spec = trainedSpec(recipe);
  const inputSize = scratchSpec(recipe).inputSize;
  const channels = recipe.colour === "gray" ? 1 : 3;
  if (channels !== 1) throw new Error("Training from scratch uses gray faces; set colour to gray.");

  // ---- pixels: train then val, decoded once into memory the worker threads share
  const ids = [...splits.train, ...splits.val].map((i) => i.sha256);
  const decodeStarted = performance.now();
  const data = await decodeImages(ctx, ids, inputSize);
  const decodeSeconds = (performance.now() - decodeStarted) / 1000;
  hooks.log(`pixels: ${ids.length} images decoded at ${inputSize} px in ${decodeSeconds.toFixed(1)} s`);
  const nTrain = splits.train.length;
  const val = { indices: Int32Array.from(splits.val, (_, i) => nTrain + i), labels: Int32Array.from(splits.val, (i) => classes.indexOf(i.label)) };
  const distill = recipe.conv.distill;
  if (distill && !input.loadTeacher) throw new TrainingInputError(`This trainer cannot load teacher models, so it cannot distil from ${distill.teacher}.`);
  const teacher = distill ? await input.loadTeacher!(distill.teacher) : null;

  // ---- training, resumable from the last epoch checkpoint (which also keeps the teacher's targets)
  const fingerprint = createHash("sha256")
    .update(
      JSON.stringify({
        recipe: { ...recipe, name: undefined },
        snapshot: input.snapshot.contentHash,
        train: nTrain,
        val: val.indices.length,
        teacher: teacher?.contentHash,
      }),
    )
    .digest("hex");
  const resume = await resumeFrom(ctx, fingerprint, decodeCnnCheckpoint).catch((error: unknown) => {
    teacher?.model.dispose();
    throw error;
  });
  // What it learnt from: exactly in the training record, and in words for the model card (the manifest caps a description's length).
  const taughtBy = teacher && { name: teacher.model.manifest.name, contentHash: teacher.contentHash };
  let soft: Float32Array | undefined;
  if (teacher) {
    const kept = resume.resumedFrom !== undefined ? resume.checkpoint?.teacher : undefined;
    try {
      soft = kept?.length === nTrain * k ? kept : await distillTargets(ctx, teacher);
    } finally {
      teacher.model.dispose();
    }
  }
  let train: { indices: Int32Array; labels: Int32Array; soft?: Float32Array } = {
    indices: Int32Array.from({ length: nTrain }, (_, i) => i),
    labels: Int32Array.from(splits.train, (i) => classes.indexOf(i.label)),
    soft,
  };
  if (recipe.balancing === "oversample") {
    const picked = oversampleIndices(train.labels, k, recipe.seed);
    train = {
      indices: Int32Array.from(picked, (i) => train.indices[i]!),
      labels: Int32Array.from(picked, (i) => train.labels[i]!),
      soft: soft && selectRows(soft, picked, k),
    };
  }
  const { resumedFrom } = resume;
  const a = recipe.augmentations;
  const epochs = recipe.epochs;
  await ctx.report({
    stage: "training",
    percent: 60 * ((resumedFrom ?? 0) / epochs) + 3,
    epoch: resumedFrom ?? 0,
    epochs,
    resumedFrom,
    message: resumedFrom
      ? `Resuming after epoch ${resumedFrom}`
      : `Training ${recipe.conv.cohort ? `${recipe.conv.cohort.members} × ` : ""}${recipe.conv.architecture} from scratch`,
  });
  const percent = (epochDone: number) => Math.round((3 + 85 * Math.min(1, epochDone / epochs)) * 10) / 10;
  const result = await trainCnn(
    data,
    train,
    val,
    {
      net: spec,
      norm: { mean: SCRATCH_INPUT_MEAN, scale: SCRATCH_INPUT_SCALE },
      epochs,
      batchSize: recipe.batchSize,
      shards: recipe.conv.shards,
      threads: input.threads ?? 2,
      backend: input.backend,
      learningRate: recipe.learningRate.initial,
      warmupEpochs: recipe.learningRate.warmupEpochs,
      momentum: 0.9,
      weightDecay: recipe.conv.weightDecay,
      labelSmoothing: recipe.conv.labelSmoothing,
      distillWeight: distill?.weight ?? 0,
      classWeights: recipe.balancing === "class-weights" ? Float32Array.from(balancedClassWeights(train.labels, k)) : null,
      augment: {
        flip: a.flip,
        rotation: a.rotation.enabled ? a.rotation.amount : 0,
        shift: a.shift.enabled ? a.shift.amount : 0,
        zoom: a.zoom.enabled ? a.zoom.amount : 0,
        shear: a.shear.enabled ? a.shear.amount : 0,
        brightness: a.brightness.enabled ? a.brightness.amount : 0,
        contrast: recipe.conv.contrast,
        erase: recipe.conv.erase,
      },
      bnMomentum: 0.99,
      emaDecay: recipe.conv.averaging,
      progressive: recipe.conv.progressive,
      seed: recipe.seed,
    },
    epochHooks(ctx, { fingerprint, resume, epochs, percent, extra: { teacher: soft } }),
  );
  ctx.history = result.history;
  hooks.log(`conv training: ${result.imagesPerSecond.toFixed(0)} images/s on ${input.threads ?? 2} thread(s), best epoch ${result.bestEpoch}`);

  // ---- the artifact: BN folded, quantised
  const { files, members } = await exportScratch(recipe, result, taughtBy);
  const best = result.history.find((h) => h.epoch === result.bestEpoch);
  return {
    members,
    backbones: [],
    files,
    floatValAccuracy: best?.valAccuracy ?? 0,
    history: result.history,
    bestEpoch: result.bestEpoch,
    stats: { embedded: 0, cachedEmbeddings: 0, embedSeconds: decodeSeconds, imagesPerSecond: result.imagesPerSecond },
    ...(taughtBy ? { teacher: taughtBy } : {}),
  };
}

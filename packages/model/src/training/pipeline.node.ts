import { createHash } from "node:crypto";

import { headFiles } from "../artifact/head-files.ts";
import { ARTIFACT_FORMAT, type ArtifactManifest, type ArtifactManifestV2 } from "../artifact/manifest.ts";
import { BACKBONE_IDS, isBackboneId, loadBackbone } from "../backbones/index.ts";
import type { Backbone } from "../backbones/types.ts";
import { fitStandardizer, standardize } from "../head.ts";
import type { ModelSources } from "../model-files.ts";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
import { convStage } from "./conv-stage.node.ts";
import type { Teacher } from "./distill.node.ts";
import { embedMissing, openTables } from "./embed-dataset.node.ts";
import type { EmbeddingStore } from "./embedding-store.node.ts";
import { TrainingInputError } from "./errors.ts";
import { assembleFeatures, balancedClassWeights, oversample } from "./features.ts";
import { finalizeVersion } from "./finalize.node.ts";
import { finetuneStage } from "./finetune-stage.node.ts";
import { inferenceHead, type HeadSpec } from "./head-model.ts";
import { evaluateHead, trainHeadWithCheckpoints, type EpochResult } from "./head-trainer.ts";
import { backboneProvenance } from "./provenance.ts";
import type { Split, TrainingImage, TrainingRecipe } from "./recipe.ts";
import { resumeFrom, type StageContext, type StageResult } from "./stage.ts";
import { PLAIN, variantsFor, type Variant } from "./variants.ts";

export type PipelineStage = "preparing" | "embedding" | "training" | "evaluating";

export interface PipelineProgress {
  stage: PipelineStage;
  percent: number;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  history: EpochResult[];
  resumedFrom?: number;
  message?: string;
}

export { TrainingInputError } from "./errors.ts";

export interface PipelineHooks {
  progress(p: PipelineProgress): Promise<void>;
  /** Throws to stop the job (cancelled, or this worker lost the job's lock). */
  checkStop(): Promise<void>;
  loadCheckpoint(): Promise<Uint8Array | null>;
  saveCheckpoint(bytes: Uint8Array, epoch: number): Promise<void>;
  log(line: string): void;
}

export interface TrainingPipelineInput {
  recipe: TrainingRecipe;
  /** The snapshot's images (any classes; the recipe picks). */
  images: readonly TrainingImage[];
  readImage(sha256: string): Promise<Uint8Array>;
  snapshot: { contentHash: string; name?: string; imageCount?: number };
  store: EmbeddingStore;
  sources: ModelSources;
  /** The TF.js backend in use (selectNodeBackend's choice). */
  backend: string;
  /** Worker threads for conv training (data parallel); default 2. */
  threads?: number;
  codeVersion: string;
  /** The full job config, recorded in the manifest. */
  config: Record<string, unknown>;
  /** Distillation (recipe.conv.distill): loads the teacher the recipe names. Without it such a job is refused. */
  loadTeacher?(ref: string): Promise<Teacher>;
  hooks: PipelineHooks;
}

export interface TrainingPipelineResult {
  manifest: ArtifactManifest;
  /** Every file of the version, manifest.json included, by name. */
  files: Map<string, Uint8Array>;
  /** sha256 of manifest.json: the version's content hash. */
  contentHash: string;
  stats: { embedded: number; cachedEmbeddings: number; embedSeconds: number; trainImages: number; epochs: number; bestEpoch: number; seconds: number };
}

const STAGE_RANGE: Record<PipelineStage, [number, number]> = {
  preparing: [0, 3],
  embedding: [3, 60],
  training: [60, 88],
  evaluating: [88, 98],
};

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

function percentIn(stage: PipelineStage, fraction: number): number {
  const [a, b] = STAGE_RANGE[stage];
  return Math.round((a + (b - a) * Math.min(1, Math.max(0, fraction))) * 10) / 10;
}

/** Checks the recipe against the snapshot before any work, with errors an admin can act on. */
export function selectImages(recipe: TrainingRecipe, images: readonly TrainingImage[]): Record<Split, TrainingImage[]> {
  const unknown = recipe.mode === "head" ? recipe.backbones.filter((id) => !isBackboneId(id)) : [];
  if (unknown.length) throw new TrainingInputError(`Unknown backbone(s) ${unknown.join(", ")}; choose from ${BACKBONE_IDS.join(", ")}.`);
  const chosen = new Set(recipe.classes);
  const bySplit: Record<Split, TrainingImage[]> = { train: [], val: [], test: [] };
  for (const image of images) if (chosen.has(image.label)) bySplit[image.split].push(image);
  // A fixed order (by content) makes features, checkpoints and reports reproducible.
  for (const list of Object.values(bySplit)) list.sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  const missing = recipe.classes.filter((c) => !bySplit.train.some((i) => i.label === c));
  if (missing.length) {
    throw new TrainingInputError(
      `The snapshot's train split has no ${missing.join(", ")} images; remove ${missing.length === 1 ? "that class" : "those classes"} from the job or pick another snapshot.`,
    );
  }
  if (bySplit.val.length === 0)
    throw new TrainingInputError(
      "The snapshot has no val images of the chosen classes; val is needed for early stopping and calibration. Pick a snapshot with a val split.",
    );
  return bySplit;
}

/**
 * The whole training run on frozen backbones, from snapshot images to the files of a new
 * version: embed what the cache lacks, train the head (checkpointing each epoch, resuming from
 * the last checkpoint), fold and quantise it, then evaluate the quantised artifact itself through
 * loadExpressionModel to fit the temperature and the abstain threshold and to report metrics.
 * Publishing the files is the caller's job.
 */
export async function runTrainingPipeline(input: TrainingPipelineInput): Promise<TrainingPipelineResult> {
  const started = performance.now();
  const { recipe, hooks } = input;
  let history: EpochResult[] = [];
  let lastBatchReport = 0;
  // Once known, every later report says the run resumed from a checkpoint.
  let resumed: number | undefined;
  const report = async (p: Omit<PipelineProgress, "history">, force = true) => {
    const now = performance.now();
    if (!force && now - lastBatchReport < 500) return;
    lastBatchReport = now;
    await hooks.progress({ ...(resumed === undefined ? {} : { resumedFrom: resumed }), ...p, history });
  };

  await report({ stage: "preparing", percent: 0, message: "Checking the snapshot and loading backbones" });
  const splits = selectImages(recipe, input.images);
  const classes = recipe.classes;
  const ctx: StageContext = {
    input,
    splits,
    report: (p, force) => report(p, force),
    get history() {
      return history;
    },
    set history(h) {
      history = h;
    },
    get resumed() {
      return resumed;
    },
    set resumed(r) {
      resumed = r;
    },
  };
  const trained = recipe.mode === "head" ? await headStage(ctx) : recipe.mode === "scratch" ? await convStage(ctx) : await finetuneStage(ctx);
  const files = trained.files;
  const floatVal = { accuracy: trained.floatValAccuracy };
  const embedStats = { computed: trained.stats.embedded, cached: trained.stats.cachedEmbeddings, seconds: trained.stats.embedSeconds };

  // ---- evaluation of the quantised artifact itself, through the same loader the coach uses
  await report({ stage: "evaluating", percent: percentIn("evaluating", 0), message: "Evaluating the quantised model" });
  const base: Omit<ArtifactManifestV2, "files" | "metrics" | "calibration"> = {
    format: ARTIFACT_FORMAT,
    formatVersion: 2,
    name: recipe.name,
    createdAt: new Date().toISOString(),
    codeVersion: input.codeVersion,
    classes: [...classes],
    backbones: trained.backbones,
    preprocessing: { colour: recipe.colour, faceBox: { ...recipe.faceBox }, tta: recipe.tta },
    members: trained.members,
    snapshot: { ...input.snapshot },
    training: { config: input.config, backend: input.backend, seconds: 0, ...(trained.teacher ? { teacher: trained.teacher } : {}) },
  };
  const evalTotal = splits.val.length + splits.test.length;
  const finalized = await finalizeVersion({
    base: { ...base, training: { ...base.training, seconds: Math.round(((performance.now() - started) / 1000) * 10) / 10 } },
    files,
    splits,
    readImage: input.readImage,
    sources: input.sources,
    abstainTargetAccuracy: recipe.abstainTargetAccuracy,
    onProgress: async (done, total, split) => {
      await hooks.checkStop();
      const before = split === "test" ? splits.val.length : 0;
      await report(
        { stage: "evaluating", percent: percentIn("evaluating", (before + done) / evalTotal), message: `Evaluating on ${split}: ${done} of ${total}` },
        done === total,
      );
    },
  });
  const { manifest, contentHash } = finalized;
  const metrics = manifest.metrics;
  hooks.log(
    `val: float model ${(floatVal.accuracy * 100).toFixed(2)}%, quantised artifact ${(metrics.val!.accuracy * 100).toFixed(2)}% (TTA ${recipe.tta}), T=${manifest.calibration.temperature.toFixed(3)}, ECE ${metrics.val!.ece}`,
  );
  const seconds = (performance.now() - started) / 1000;
  await report({ stage: "evaluating", percent: STAGE_RANGE.evaluating[1], message: `Val accuracy ${(metrics.val!.accuracy * 100).toFixed(1)}%` });
  return {
    manifest,
    files,
    contentHash,
    stats: {
      embedded: embedStats.computed,
      cachedEmbeddings: embedStats.cached,
      embedSeconds: embedStats.seconds,
      trainImages: splits.train.length,
      epochs: trained.history.length,
      bestEpoch: trained.bestEpoch,
      seconds,
    },
  };
}

/** Mode "head": embeddings of frozen backbones (cached), then a dense head trained on them. */
async function headStage(ctx: StageContext): Promise<StageResult> {
  const { input, splits } = ctx;
  const { recipe, hooks } = input;
  const classes = recipe.classes;
  const k = classes.length;
  const backbones: Backbone[] = [];
  try {
    for (const id of recipe.backbones) if (isBackboneId(id)) backbones.push(await loadBackbone(id, input.sources));

    // ---- embeddings (cached per image, backbone, colour and variant)
    const needs = new Map<string, Variant[]>();
    const variantsBySplit = {} as Record<Split, Variant[]>;
    // Val needs its plain view for early stopping; val and test are scored on the published
    // artifact itself (TTA included), so their other views and the test split need no embedding.
    for (const split of ["train", "val", "test"] as const) {
      variantsBySplit[split] = split === "train" ? variantsFor(recipe, split) : split === "val" ? [PLAIN] : [];
      for (const image of splits[split]) {
        const list = needs.get(image.sha256) ?? [];
        for (const v of variantsBySplit[split]) if (!list.some((x) => x.key === v.key)) list.push(v);
        needs.set(image.sha256, list);
      }
    }
    await ctx.report({ stage: "embedding", percent: percentIn("embedding", 0), message: "Embedding images the cache does not hold" });
    const embedStats = await embedMissing({
      backbones,
      colour: recipe.colour,
      needs,
      readImage: input.readImage,
      store: input.store,
      threads: input.threads,
      backend: input.backend,
      onProgress: async (done, total) => {
        await hooks.checkStop();
        await ctx.report(
          {
            stage: "embedding",
            percent: percentIn("embedding", total ? done / total : 1),
            batch: done,
            batches: total,
            message: `Embedded ${done} of ${total} new images`,
          },
          done === total,
        );
      },
    });
    hooks.log(
      `embeddings: ${embedStats.computed} computed for ${embedStats.images} images in ${embedStats.seconds.toFixed(1)} s, ${embedStats.cached} from the cache`,
    );

    const allVariants = new Map<string, Variant>();
    for (const list of Object.values(variantsBySplit)) for (const v of list) allVariants.set(v.key, v);
    const tables = await openTables(input.store, backbones, recipe.colour, allVariants.values());
    const lookup = (b: string, v: string, sha: string) => tables.get(`${b}|${v}`)?.get(sha);
    const dims = backbones.map((b) => ({ id: b.id, dim: b.dim }));
    let train = assembleFeatures(splits.train, variantsBySplit.train, dims, classes, lookup);
    if (recipe.balancing === "oversample") train = oversample(train, k, recipe.seed);
    const val = assembleFeatures(splits.val, [variantsBySplit.val[0]!], dims, classes, lookup);
    const dim = train.dim;
    const standardizer = fitStandardizer(train.x, dim);

    // ---- head training, resumable from the last epoch checkpoint
    const spec: HeadSpec = {
      inputDim: dim,
      numClasses: k,
      hidden: recipe.head.hidden,
      inputDropout: recipe.head.inputDropout,
      dropout: recipe.head.dropout,
      l2: recipe.head.l2,
      seed: recipe.seed,
    };
    const fingerprint = sha256(JSON.stringify({ recipe: { ...recipe, name: undefined }, snapshot: input.snapshot.contentHash, rows: train.y.length, dim }));
    const { checkpoint: resume, resumedFrom } = await resumeFrom(ctx, fingerprint, decodeCheckpoint);
    await ctx.report({
      stage: "training",
      percent: percentIn("training", (resumedFrom ?? 0) / recipe.epochs),
      epoch: resumedFrom ?? 0,
      epochs: recipe.epochs,
      resumedFrom,
      message: resumedFrom ? `Resuming after epoch ${resumedFrom}` : "Training the head",
    });
    const trained = await trainHeadWithCheckpoints(
      { train: { x: standardize(train.x, standardizer), y: train.y }, val: { x: standardize(val.x, standardizer), y: val.y } },
      {
        spec,
        epochs: recipe.epochs,
        batchSize: recipe.batchSize,
        learningRate: recipe.learningRate,
        earlyStopping: recipe.earlyStopping,
        classWeights: recipe.balancing === "class-weights" ? balancedClassWeights(train.y, k) : undefined,
        fingerprint,
      },
      {
        resume,
        log: hooks.log,
        onBatch: async (epoch, batch, batches) => {
          await hooks.checkStop();
          await ctx.report(
            {
              stage: "training",
              percent: percentIn("training", (epoch - 1 + batch / batches) / recipe.epochs),
              epoch,
              epochs: recipe.epochs,
              batch,
              batches,
              resumedFrom,
            },
            false,
          );
        },
        onEpoch: async (result, checkpoint) => {
          await hooks.checkStop();
          await hooks.saveCheckpoint(encodeCheckpoint(checkpoint), result.epoch);
          ctx.history = checkpoint.history;
          const fraction = checkpoint.finished ? 1 : result.epoch / recipe.epochs;
          await ctx.report({
            stage: "training",
            percent: percentIn("training", fraction),
            epoch: result.epoch,
            epochs: recipe.epochs,
            resumedFrom,
            message: `Epoch ${result.epoch}: val accuracy ${(result.valAccuracy * 100).toFixed(1)}%`,
          });
        },
      },
    );
    ctx.history = trained.history;
    const floatVal = evaluateHead(trained.model, standardize(val.x, standardizer), val.y, dim, k);

    // ---- the artifact: folded, quantised head
    const inference = inferenceHead(trained.model, spec, standardizer);
    trained.model.dispose();
    const head = await headFiles(inference, recipe.quantization);
    inference.dispose();
    const files = new Map<string, Uint8Array>(Object.entries(head));

    return {
      members: [{ kind: "head", backbones: [...recipe.backbones], modelFile: "model.json", quantization: recipe.quantization }],
      backbones: recipe.backbones.map((id) => ({ id, provenance: backboneProvenance(id) })),
      files,
      floatValAccuracy: floatVal.accuracy,
      history: trained.history,
      bestEpoch: trained.bestEpoch,
      stats: { embedded: embedStats.computed, cachedEmbeddings: embedStats.cached, embedSeconds: embedStats.seconds },
    };
  } finally {
    backbones.forEach((b) => b.dispose());
  }
}

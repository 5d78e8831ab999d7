import { z } from "zod";

import {
  CNN_ARCHITECTURE_IDS,
  FINETUNE_BACKBONE_IDS,
  FINETUNE_BACKBONES,
  PROGRESSIVE_MIN_SIDE,
  progressiveCost,
  SCRATCH_INPUT_SIZE,
  type CnnArchitectureId,
  type FinetuneBackboneId,
} from "@mien/vocabulary/architectures";
import { EXPRESSION_CLASSES } from "@mien/vocabulary/classes";
import { DEFAULT_FACE_BOX } from "@mien/vocabulary/face-box";

/**
 * The training job config, validated once here and shared by the admin form (web), the API
 * (which stores it on the TrainingJob row) and the worker (which trains with it). Browser-safe:
 * only zod and the class list. The recipe (backbones, head, augmentations, TTA) is data, so a
 * better recipe is a new config, not new code.
 */

/** One switchable augmentation with its strength (defaults are the original project's). */
const augmentation = (maxAmount: number, amount: number) =>
  z.object({ enabled: z.boolean(), amount: z.number().min(0).max(maxAmount) }).default({ enabled: false, amount });

export const augmentationConfig = z.object({
  /** A mirrored copy of every training image. */
  flip: z.boolean().default(true),
  /** Rotation up to ±amount degrees. */
  rotation: augmentation(45, 45),
  /** Width and height shift up to ±amount of the side. */
  shift: augmentation(0.5, 0.2),
  /** Shear factor up to ±amount. */
  shear: augmentation(0.5, 0.2),
  /** Zoom in or out by up to ±amount. */
  zoom: augmentation(0.5, 0.2),
  /** Brightness scaled by up to ±amount. */
  brightness: augmentation(0.5, 0.2),
  /**
   * Randomly augmented copies of each training image (using the enabled augmentations above).
   * Conv layers are frozen, so each copy is embedded once and cached; 0 turns them off.
   */
  copies: z.number().int().min(0).max(8).default(0),
});
export type AugmentationConfig = z.infer<typeof augmentationConfig>;

export const RANDOM_AUGMENTATIONS = ["rotation", "shift", "shear", "zoom", "brightness"] as const;
export type RandomAugmentation = (typeof RANDOM_AUGMENTATIONS)[number];

export const LR_SCHEDULES = ["constant", "cosine", "step"] as const;
export const TRAINING_MODES = ["head", "finetune", "scratch"] as const;
export type TrainingMode = (typeof TRAINING_MODES)[number];

/** How to ask for the full side: the form's "no resizing", which is not a starting side. */
const FULL_SIZE_NEEDS_NO_RESIZING = `full-size faces (${SCRATCH_INPUT_SIZE} px) throughout need no resizing`;
const START_SIDE_RULE = `The starting face size is a multiple of 4 px from ${PROGRESSIVE_MIN_SIDE} to ${SCRATCH_INPUT_SIZE - 4}, under the full ${SCRATCH_INPUT_SIZE} px (${FULL_SIZE_NEEDS_NO_RESIZING}).`;

export const convConfig = z.object({
  /** scratch: which CNN (see @mien/vocabulary/architectures). */
  architecture: z.enum(CNN_ARCHITECTURE_IDS as [CnnArchitectureId, ...CnnArchitectureId[]]).default("cnn-s"),
  /** finetune: the face backbone whose top blocks train. */
  backbone: z.enum(FINETUNE_BACKBONE_IDS as [FinetuneBackboneId, ...FinetuneBackboneId[]]).default("faceapi-expression"),
  /** finetune: how many of its top blocks train; the blocks below are frozen and run once per image. */
  trainableBlocks: z.number().int().min(1).max(3).default(1),
  /** Dropout before the classifier. */
  dropout: z.number().min(0).max(0.9).default(0.3),
  /** L2 weight decay on kernels (SGD). */
  weightDecay: z.number().min(0).max(0.1).default(5e-4),
  /** Label smoothing of the cross-entropy target. */
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  /** Probability of erasing a random rectangle of each training image (scratch). */
  erase: z.number().min(0).max(1).default(0.25),
  /** Contrast change, ±, per training image (scratch). */
  contrast: z.number().min(0).max(0.9).default(0.2),
  /**
   * Ghost batches per step: each step's batch is split into this many shards (and batch
   * statistics), spread over the worker's threads. The result depends on shards, not threads.
   */
  shards: z.number().int().min(1).max(16).default(2),
  /**
   * scratch: knowledge distillation. Each training image's target mixes its label with a trained
   * model's calibrated probabilities for it: (1 − weight) · label + weight · teacher.
   */
  distill: z
    .object({
      /** The teacher: a registered version (id or content hash) for the worker, or a version folder for `mien train --data`. */
      teacher: z.string().trim().min(1, "Name the teacher model.").max(500),
      weight: z.number().min(0).max(1).default(0.5),
    })
    .optional(),
  /**
   * Conv modes (finetune, scratch): weight averaging. A moving average of the weights runs beside them,
   * average = decay · average + (1 − decay) · weights (0.999 averages over about the last 1000 steps);
   * each epoch val keeps the better of the average and the live weights.
   */
  averaging: z.number().min(0.9, "Averaging decays per step: use 0.9 to 0.9999.").max(0.9999, "Averaging decays per step: use 0.9 to 0.9999.").optional(),
  /**
   * scratch: mutual distillation. `members` networks of the architecture, each from its own
   * initialisation, train together on the same batches; each one's target mixes its own target
   * with the others' current probabilities, (1 − weight) · target + weight · peers, from the epoch
   * after `burnIn` (before it, each learns from its own target only, as if trained alone). The version
   * holds every member (an ensemble of them); a step costs what `members` networks cost.
   */
  cohort: z
    .object({
      members: z.number().int().min(2, "A cohort has 2 to 4 members.").max(4, "A cohort has 2 to 4 members."),
      weight: z.number().min(0).max(1).default(0.5),
      burnIn: z.number().int().min(0, "Burn-in is a number of epochs, 0 or more.").default(0),
      /** Co-teaching: after the burn-in each member skips this share of each batch, the images its peers fit worst (ramped in over 5 epochs). */
      dropRate: z.number().min(0, "Skipped share is 0 to 0.5.").max(0.5, "Skipped share is 0 to 0.5.").default(0),
    })
    .optional(),
  /**
   * scratch: progressive resizing (ProgressiveResize). The first `epochs` epochs train on smaller
   * faces, growing from `startSide` px to the full 48; later epochs and every evaluation use 48 px.
   * Early epochs cost about (side / 48)² of a full one.
   */
  progressive: z
    .object({
      startSide: z
        .number()
        .multipleOf(4, START_SIDE_RULE)
        .min(PROGRESSIVE_MIN_SIDE, START_SIDE_RULE)
        .max(SCRATCH_INPUT_SIZE - 4, START_SIDE_RULE),
      epochs: z.number().int("Growing takes a whole number of epochs, 1 or more.").min(1, "Growing takes a whole number of epochs, 1 or more."),
    })
    .optional(),
});
export type ConvConfig = z.infer<typeof convConfig>;

/**
 * What a conv job defaults to where the head's defaults would be wrong (SGD with momentum, not
 * Adam, and fresh augmentation each epoch instead of cached copies). The admin form and the CLI
 * start from these when the mode is finetune or scratch.
 */
export const CONV_MODE_DEFAULTS = {
  scratch: {
    epochs: 30,
    batchSize: 128,
    learningRate: { initial: 0.1, schedule: "cosine", warmupEpochs: 1, stepEvery: 10, stepFactor: 0.5 },
    earlyStopping: { enabled: false, patience: 6 },
  },
  finetune: {
    epochs: 20,
    batchSize: 128,
    learningRate: { initial: 0.01, schedule: "cosine", warmupEpochs: 1, stepEvery: 10, stepFactor: 0.5 },
    earlyStopping: { enabled: false, patience: 6 },
  },
} as const;
export const BALANCING = ["none", "class-weights", "oversample"] as const;

const unique = <T>(list: readonly T[]) => new Set(list).size === list.length;

export const trainingConfig = z.object({
  /** Human-facing model name, e.g. "fer7-mlp". */
  name: z
    .string()
    .trim()
    .min(1, "Give the model a name.")
    .max(80)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits, dots, dashes and underscores only."),
  /** The pinned, immutable dataset snapshot (its manifest is content-hashed). */
  snapshotId: z.uuid("Pick a dataset snapshot."),
  /** The classes to learn, e.g. all 8, FER2013's 7, or a 4-class subset. */
  classes: z
    .array(z.enum(EXPRESSION_CLASSES))
    .min(2, "Pick at least two classes.")
    .refine(unique, "Each class may appear once.")
    .default([...EXPRESSION_CLASSES]),
  /** How to counter class imbalance: loss weights n / (k·n_c), or resampling to equal counts. */
  balancing: z.enum(BALANCING).default("none"),
  /** Frozen backbones whose embeddings are concatenated (ids from @mien/model's BACKBONE_IDS, checked by the worker). */
  backbones: z
    .array(z.string().min(1).max(64))
    .min(1, "Pick at least one backbone.")
    .max(8)
    .refine(unique, "Each backbone may appear once.")
    .default(["faceapi-expression"]),
  /** Face crops are converted to gray (3 equal channels) when the data is gray, as FER2013 is. */
  colour: z.enum(["gray", "rgb"]).default("gray"),
  augmentations: augmentationConfig.default(augmentationConfig.parse({})),
  head: z
    .object({
      /** Hidden layer widths; [] is multinomial logistic regression. */
      hidden: z.array(z.number().int().min(4).max(4096)).max(3).default([512]),
      inputDropout: z.number().min(0).max(0.9).default(0.2),
      dropout: z.number().min(0).max(0.9).default(0.5),
      l2: z.number().min(0).max(0.1).default(1e-4),
    })
    .default({ hidden: [512], inputDropout: 0.2, dropout: 0.5, l2: 1e-4 }),
  /**
   * Head defaults are the recipe of models/default (59.7% FER2013 val): 16 epochs of batch 512
   * with patience 4 keep a warm-cache retrain of a FER2013-size snapshot within minutes
   * (`pnpm bench:train`); conv modes start from CONV_MODE_DEFAULTS instead.
   */
  epochs: z.number().int().min(1).max(500).default(16),
  batchSize: z.number().int().min(8).max(4096).default(512),
  learningRate: z
    .object({
      initial: z.number().positive().max(1).default(1e-3),
      schedule: z.enum(LR_SCHEDULES).default("cosine"),
      /** Linear warm-up epochs before the schedule starts. */
      warmupEpochs: z.number().int().min(0).max(50).default(1),
      /** "step": multiply by `stepFactor` every `stepEvery` epochs. */
      stepEvery: z.number().int().min(1).max(200).default(10),
      stepFactor: z.number().positive().max(1).default(0.5),
    })
    .default({ initial: 1e-3, schedule: "cosine", warmupEpochs: 1, stepEvery: 10, stepFactor: 0.5 }),
  /** Stop when val loss has not improved for `patience` epochs; the best epoch's weights are kept. */
  earlyStopping: z
    .object({ enabled: z.boolean().default(true), patience: z.number().int().min(1).max(100).default(4) })
    .default({ enabled: true, patience: 4 }),
  /** Test-time augmentation: average the logits of the crop and its mirror image. */
  tta: z.enum(["none", "flip"]).default("flip"),
  quantization: z.enum(["float16", "uint8"]).default("float16"),
  /** The coach says "unclear" below the confidence at which val accuracy reaches this. */
  abstainTargetAccuracy: z.number().min(0.3).max(0.99).default(0.8),
  /** How a face detector's box becomes the crop the model sees (written to the manifest). */
  faceBox: z
    .object({ scale: z.number().min(0.5).max(4).default(DEFAULT_FACE_BOX.scale), shiftY: z.number().min(-1).max(1).default(DEFAULT_FACE_BOX.shiftY) })
    .default({ ...DEFAULT_FACE_BOX }),
  /**
   * head: a dense head on frozen backbone embeddings (cached, minutes);
   * finetune: the top blocks of a face backbone train (the frozen rest runs once per image);
   * scratch: a compact CNN learns from the face pixels. All three run on wasm and native TF.js.
   */
  mode: z.enum(TRAINING_MODES).default("head"),
  /** Options of the conv modes (finetune, scratch). */
  conv: convConfig.default(convConfig.parse({})),
  /** Fixes the weight initialisation, shuffling and augmentation draws. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});

export type TrainingConfig = z.infer<typeof trainingConfig>;

/**
 * Why a worker could not run this config, or null: checked when a job is created (so the admin
 * hears it before anything is queued) and again by the worker.
 */
export function unrunnableReason(config: TrainingConfig): string | null {
  if (config.mode === "finetune") {
    const backbone = FINETUNE_BACKBONES[config.conv.backbone];
    if (config.conv.trainableBlocks >= backbone.blocks) {
      return `${config.conv.backbone} has ${backbone.blocks} blocks; fine-tune at most ${backbone.blocks - 1} so that at least one stays frozen.`;
    }
  }
  if (config.conv.distill && config.mode !== "scratch") return "Distillation trains a CNN from scratch; set mode to scratch or drop the teacher.";
  if (config.conv.cohort && config.mode !== "scratch") return "A cohort trains CNNs from scratch together; set mode to scratch or drop the cohort.";
  if (config.conv.cohort && config.conv.cohort.burnIn >= config.epochs)
    return `A burn-in of ${config.conv.cohort.burnIn} epoch${config.conv.cohort.burnIn === 1 ? "" : "s"} leaves none of the ${config.epochs} for the networks to learn from each other; shorten it.`;
  if (config.conv.progressive && config.mode !== "scratch")
    return "Smaller faces first is for training from scratch; set mode to scratch or train at full size.";
  if (config.conv.progressive && config.conv.progressive.epochs >= config.epochs)
    return `Growing the faces over ${config.conv.progressive.epochs} epoch${config.conv.progressive.epochs === 1 ? "" : "s"} leaves none of the ${config.epochs} at full size; grow over fewer epochs.`;
  if (config.conv.averaging !== undefined && config.mode === "head")
    return "Weight averaging is for conv training (finetune or scratch); a head trains on cached embeddings without it.";
  if (config.mode === "scratch" && config.colour !== "gray") return "Training from scratch learns from gray faces; set colour to gray.";
  if (config.mode !== "head" && config.augmentations.copies > 0)
    return "Augmented copies are for head training (cached embeddings); conv modes draw new augmentations every epoch. Set copies to 0.";
  if (config.mode !== "head" && config.batchSize < config.conv.shards)
    return `A batch of ${config.batchSize} cannot be split into ${config.conv.shards} shards.`;
  return null;
}
export type TrainingConfigInput = z.input<typeof trainingConfig>;

/** The default recipe for everything but the name and snapshot. */
export const DEFAULT_TRAINING_CONFIG: Omit<TrainingConfig, "name" | "snapshotId"> = (() => {
  const { name: _n, snapshotId: _s, ...rest } = trainingConfig.parse({ name: "default", snapshotId: "00000000-0000-4000-8000-000000000000" });
  return rest;
})();

/** The training form's names for config fields (index segments dropped), where a field's own name would not do. */
const FIELD_NAMES: Record<string, string> = {
  name: "Model name",
  snapshotId: "Dataset snapshot",
  batchSize: "Batch size",
  "learningRate.initial": "Learning rate",
  "learningRate.warmupEpochs": "Warm-up epochs",
  "head.hidden": "Hidden layers",
  "head.inputDropout": "Input dropout",
  "head.l2": "L2 penalty",
  "augmentations.copies": "Augmented copies per image",
  "earlyStopping.patience": "Patience",
  "conv.trainableBlocks": "Trainable blocks",
  "conv.weightDecay": "Weight decay",
  "conv.labelSmoothing": "Label smoothing",
  "conv.cohort.members": "Networks trained together",
  "conv.cohort.dropRate": "Share of each batch to skip",
  "conv.progressive.startSide": "Starting face size",
  "conv.progressive.epochs": "Epochs to grow to full size",
};

/** What a field's limit means, where a value past it asks for something the form offers another way. */
const PAST_MAXIMUM: Record<string, string> = { "conv.progressive.startSide": FULL_SIZE_NEEDS_NO_RESIZING };

function fieldName(path: readonly PropertyKey[]): string {
  const key = path.filter((p) => typeof p === "string").join(".");
  const named = FIELD_NAMES[key];
  if (named) return named;
  // "augmentations.rotation.amount" → "Rotation strength"; "epochs" → "Epochs".
  const words = (
    path.length > 1 && path.at(-1) === "amount" ? [String(path.at(-2)), "strength"] : [String(path.filter((p) => typeof p === "string").at(-1) ?? "config")]
  )
    .join(" ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * One problem per field, in the form's words: "Learning rate must be at most 1." instead of
 * zod's "learningRate.initial: Too big: expected number to be <=1". A field's own message
 * (such as the name's) is kept.
 */
export function configProblems(issues: readonly z.core.$ZodIssue[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const issue of issues) {
    const key = issue.path.join(".");
    if (seen.has(key)) continue;
    seen.add(key);
    const field = fieldName(issue.path);
    if (issue.code === "too_big" && issue.origin === "number") {
      const why = PAST_MAXIMUM[key];
      problems.push(`${field} must be at most ${String(issue.maximum)}${why ? `; ${why}` : ""}.`);
    } else if (issue.code === "too_small" && issue.origin === "number") problems.push(`${field} must be at least ${String(issue.minimum)}.`);
    else if (issue.code === "invalid_type" && issue.expected === "number") problems.push(`${field} needs a number.`);
    else if (issue.code === "invalid_type" && issue.expected === "int") problems.push(`${field} needs a whole number.`);
    else if (issue.code === "not_multiple_of") problems.push(`${field} must be a multiple of ${String(issue.divisor)}.`);
    else if (issue.code === "invalid_value") problems.push(`${field} must be one of ${issue.values.map(String).join(", ")}.`);
    // The schema's own sentences for text fields and lists ("Give the model a name.", "Pick at least two classes.") stand alone.
    else if (issue.code === "too_small" && (issue.origin === "string" || issue.origin === "array")) problems.push(issue.message);
    else problems.push(`${field}: ${issue.message.replace(/\.?$/, ".")}`);
  }
  return problems;
}

/** Parses a config with one readable line per problem. */
export function parseTrainingConfig(value: unknown): TrainingConfig {
  const parsed = trainingConfig.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid training config: ${configProblems(parsed.error.issues).join(" ")}`);
  return parsed.data;
}

/**
 * Payload of a training job on the queue. Versioned so a worker can refuse payloads it does
 * not understand instead of misreading them. The TrainingJob row holds the same config.
 */
export const trainingJobPayload = z.object({
  v: z.literal(2),
  trainingJobId: z.uuid(),
  config: trainingConfig,
});

export type TrainingJobPayload = z.infer<typeof trainingJobPayload>;

export const TRAINING_STAGES = ["queued", "preparing", "embedding", "training", "evaluating", "publishing", "done"] as const;
export type TrainingStage = (typeof TRAINING_STAGES)[number];

/** One finished epoch, as drawn on the admin page's charts. */
export const epochMetrics = z.object({
  epoch: z.number().int().positive(),
  loss: z.number(),
  accuracy: z.number().min(0).max(1),
  valLoss: z.number(),
  valAccuracy: z.number().min(0).max(1),
  learningRate: z.number().nonnegative(),
});
export type EpochMetrics = z.infer<typeof epochMetrics>;

/** What the worker reports through BullMQ's own `job.updateProgress` (and keeps on the row). */
export const trainingProgress = z.object({
  stage: z.enum(TRAINING_STAGES),
  /** Overall progress of the job, 0..100. */
  percent: z.number().min(0).max(100),
  epoch: z.number().int().nonnegative().optional(),
  epochs: z.number().int().nonnegative().optional(),
  batch: z.number().int().nonnegative().optional(),
  batches: z.number().int().nonnegative().optional(),
  /** Every finished epoch so far (a reconnecting page redraws its charts from this alone). */
  history: z.array(epochMetrics).default([]),
  /** Epoch the job resumed after, when a restarted worker picked up a checkpoint. */
  resumedFrom: z.number().int().nonnegative().optional(),
  message: z.string().max(500).optional(),
});

export type TrainingProgress = z.infer<typeof trainingProgress>;

/**
 * Throughput measured on the project's reference machine (2 cores, wasm): see README "Training
 * modes" and `pnpm bench:train` / `pnpm bench:kernels`, which print these figures.
 */
export const MEASURED_THROUGHPUT = {
  /** face-api expression embeddings per second on 2 threads, cold cache (57,969 in 333 s for the default's head part). */
  embedPerSecond: 170,
  /** Head training: seconds per 1000 image-epochs on cached embeddings (4.4 s for FER2013's 57k mirrored images). */
  headSecondsPer1000ImageEpochs: 0.08,
  /** Conv training images per second on 2 threads (`pnpm bench:kernels`: cnn-s 173, cnn-sw 129, cnn-m 57.4). */
  convImagesPerSecond: { "cnn-s": 173, "cnn-sw": 129, "cnn-m": 57 } as Record<CnnArchitectureId, number>,
  /**
   * finetune: the frozen trunk's features per second (the same face-api blocks as embeddings, so
   * taken as their rate), and top-block training images per second (`pnpm bench:kernels`: 409).
   */
  trunkPerSecond: 170,
  finetuneImagesPerSecond: 409,
  /**
   * Distillation: the teacher's predictions per second, once per job (fer7-ensemble-v2, a head and
   * two CNNs with flip TTA, in the main thread: 27,203 FER2013 train faces in 751 s with tests running beside it).
   */
  teacherImagesPerSecond: 36,
} as const;

/** A rough duration in seconds for `config` on `trainImages` training and `otherImages` val/test images, cold caches. */
export function estimateTrainingSeconds(config: TrainingConfig, trainImages: number, otherImages: number): number {
  const t = MEASURED_THROUGHPUT;
  const all = trainImages + otherImages;
  const evaluate = all > 0 ? otherImages / 150 : 0;
  let seconds: number;
  if (config.mode === "head") {
    const variants = (config.augmentations.flip ? 2 : 1) + config.augmentations.copies;
    const embedded = (trainImages * variants + otherImages * (config.tta === "flip" ? 2 : 1)) * config.backbones.length;
    seconds = embedded / t.embedPerSecond + (config.epochs * trainImages * variants * t.headSecondsPer1000ImageEpochs) / 1000;
  } else if (config.mode === "scratch") {
    const networks = config.conv.cohort?.members ?? 1;
    const cost = progressiveCost(SCRATCH_INPUT_SIZE, config.conv.progressive, config.epochs);
    seconds = all / 400 + (cost * networks * config.epochs * trainImages) / t.convImagesPerSecond[config.conv.architecture];
    if (config.conv.distill) seconds += trainImages / t.teacherImagesPerSecond;
  } else {
    seconds = (trainImages * 2 + otherImages) / t.trunkPerSecond + (config.epochs * trainImages) / t.finetuneImagesPerSecond;
  }
  return seconds + evaluate;
}

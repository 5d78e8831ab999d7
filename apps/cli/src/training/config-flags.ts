import { readFileSync } from "node:fs";

import {
  CONV_MODE_DEFAULTS,
  DEFAULT_TRAINING_CONFIG,
  RANDOM_AUGMENTATIONS,
  trainingConfig,
  unrunnableReason,
  type TrainingConfig,
  type TrainingConfigInput,
} from "@mien/jobs/training";

/** Command-line options that set training config fields (shared by both `mien train` modes). */
export const CONFIG_OPTIONS = {
  config: { type: "string" },
  name: { type: "string" },
  mode: { type: "string" },
  architecture: { type: "string" },
  "finetune-backbone": { type: "string" },
  "trainable-blocks": { type: "string" },
  "weight-decay": { type: "string" },
  "label-smoothing": { type: "string" },
  erase: { type: "string" },
  shards: { type: "string" },
  teacher: { type: "string" },
  "distill-weight": { type: "string" },
  averaging: { type: "string" },
  cohort: { type: "string" },
  "mutual-weight": { type: "string" },
  "burn-in": { type: "string" },
  "drop-rate": { type: "string" },
  "resize-from": { type: "string" },
  "resize-epochs": { type: "string" },
  warmup: { type: "string" },
  classes: { type: "string" },
  backbones: { type: "string" },
  balancing: { type: "string" },
  colour: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  lr: { type: "string" },
  schedule: { type: "string" },
  hidden: { type: "string" },
  dropout: { type: "string" },
  augment: { type: "string" },
  copies: { type: "string" },
  "no-flip": { type: "boolean" },
  tta: { type: "string" },
  quantization: { type: "string" },
  patience: { type: "string" },
  seed: { type: "string" },
} as const;

export const CONFIG_USAGE = `Training config (defaults are the shipped recipe; see packages/jobs/src/training.ts):
  --config FILE        a JSON training config; the flags below override it
  --name NAME          model name
  --mode head|finetune|scratch   what to train (default head); finetune and scratch start
                       from their own schedule (SGD, 30 or 20 epochs, batch 128)
  --architecture cnn-s|cnn-sw|cnn-m  scratch: the CNN   --finetune-backbone faceapi-expression
  --trainable-blocks N finetune: top blocks that train   --weight-decay X   --label-smoothing X
  --erase P            scratch: random-erasing probability   --shards N   ghost batches per step
  --teacher DIR        scratch: distil from this version folder (or, with --snapshot, a registered version)
  --distill-weight X   the teacher's share of each target (default 0.5)
  --averaging D        conv modes: the model is the weights' moving average, decay D per step (e.g. 0.999)
  --cohort N           scratch: train N networks together, each also learning from the others (2 to 4)
  --mutual-weight X    the others' share of each cohort member's target (default 0.5)
  --burn-in N          epochs each cohort member first trains alone, before that share applies (default 0)
  --drop-rate X        co-teaching: after the burn-in each member skips this share (0 to 0.5) of each
                       batch, the images its peers fit worst, ramped in over 5 epochs (default 0)
  --resize-from PX     scratch: progressive resizing, the first epochs train on faces grown from PX
  --resize-epochs N    (24 to 44) to the full 48 px over N epochs; the rest, and val, at 48 px
  --warmup N           warm-up epochs
  --classes a,b,…      classes to learn (default: all in the data)
  --backbones a,b      frozen backbones whose embeddings are concatenated (default faceapi-expression;
                       --snapshot jobs take the offered ones, packages/model/research/README.md)
  --balancing none|class-weights|oversample
  --colour gray|rgb    --epochs N   --batch-size N   --lr X   --schedule constant|cosine|step
  --hidden 512[,256]   hidden layer widths ("" for logistic regression)   --dropout X
  --augment rotation,shift,shear,zoom,brightness   --copies N   augmented copies per image
  --no-flip            no mirrored training copies
  --tta flip|none      --quantization float16|uint8   --patience N   --seed N`;

type Values = Partial<Record<keyof typeof CONFIG_OPTIONS, string | boolean>>;

const num = (v: string | boolean | undefined) => (typeof v === "string" ? Number(v) : undefined);
const list = (v: string | boolean | undefined) =>
  typeof v === "string"
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/** The config from --config and the flags, validated; `base` supplies what neither sets (e.g. the snapshot). */
export function configFromFlags(values: Values, base: Partial<TrainingConfigInput>): TrainingConfig {
  const file: Partial<TrainingConfigInput> = typeof values.config === "string" ? (JSON.parse(readFileSync(values.config, "utf8")) as TrainingConfigInput) : {};
  const input: Record<string, unknown> = { ...base, ...file };
  // A conv mode starts from its own schedule; the file and flags still override it.
  const mode = (typeof values.mode === "string" ? values.mode : file.mode) as string | undefined;
  if (mode === "scratch" || mode === "finetune") {
    Object.assign(input, structuredClone(CONV_MODE_DEFAULTS[mode]), file, { mode });
    input.augmentations = { ...DEFAULT_TRAINING_CONFIG.augmentations, copies: 0, ...(file.augmentations as object) };
  } else if (mode !== undefined) input.mode = mode;
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  set("name", values.name);
  set("classes", list(values.classes));
  set("backbones", list(values.backbones));
  set("balancing", values.balancing);
  set("colour", values.colour);
  set("epochs", num(values.epochs));
  set("batchSize", num(values["batch-size"]));
  set("tta", values.tta);
  set("quantization", values.quantization);
  set("seed", num(values.seed));
  if (values.lr !== undefined || values.schedule !== undefined) {
    input.learningRate = {
      ...(input.learningRate as object),
      ...(values.lr ? { initial: num(values.lr) } : {}),
      ...(values.schedule ? { schedule: values.schedule } : {}),
    };
  }
  if (values.hidden !== undefined || values.dropout !== undefined) {
    input.head = {
      ...(input.head as object),
      ...(typeof values.hidden === "string" ? { hidden: list(values.hidden)!.map(Number) } : {}),
      ...(values.dropout ? { dropout: num(values.dropout) } : {}),
    };
  }
  if (values.warmup !== undefined) input.learningRate = { ...(input.learningRate as object), warmupEpochs: num(values.warmup) };
  const conv: Record<string, unknown> = { ...(input.conv as object) };
  const setConv = (key: string, value: unknown) => {
    if (value !== undefined) conv[key] = value;
  };
  setConv("architecture", values.architecture);
  setConv("backbone", values["finetune-backbone"]);
  setConv("trainableBlocks", num(values["trainable-blocks"]));
  setConv("weightDecay", num(values["weight-decay"]));
  setConv("labelSmoothing", num(values["label-smoothing"]));
  setConv("erase", num(values.erase));
  setConv("shards", num(values.shards));
  setConv("averaging", num(values.averaging));
  const cohortFlags = ["mutual-weight", "burn-in", "drop-rate"] as const;
  if (values.cohort !== undefined || cohortFlags.some((f) => values[f] !== undefined)) {
    if (values.cohort === undefined) throw new Error(`--${cohortFlags.find((f) => values[f] !== undefined)} needs --cohort.`);
    setConv("cohort", {
      members: num(values.cohort),
      weight: num(values["mutual-weight"]),
      burnIn: num(values["burn-in"]),
      dropRate: num(values["drop-rate"]),
    });
  }
  if (values["resize-from"] !== undefined || values["resize-epochs"] !== undefined) {
    if (values["resize-from"] === undefined || values["resize-epochs"] === undefined) throw new Error("--resize-from and --resize-epochs go together.");
    setConv("progressive", { startSide: num(values["resize-from"]), epochs: num(values["resize-epochs"]) });
  }
  if (values.teacher !== undefined || values["distill-weight"] !== undefined) {
    if (values.teacher === undefined) throw new Error("--distill-weight needs --teacher.");
    setConv("distill", { teacher: values.teacher, weight: num(values["distill-weight"]) });
  }
  if (mode !== "head" && values.dropout !== undefined) setConv("dropout", num(values.dropout));
  if (Object.keys(conv).length) input.conv = conv;
  if (values.patience !== undefined) input.earlyStopping = { enabled: true, patience: num(values.patience) };
  if (values.augment !== undefined || values.copies !== undefined || values["no-flip"]) {
    const augmentations: Record<string, unknown> = { ...DEFAULT_TRAINING_CONFIG.augmentations, ...(input.augmentations as object) };
    const chosen = list(values.augment);
    if (chosen) {
      const unknown = chosen.filter((a) => !(RANDOM_AUGMENTATIONS as readonly string[]).includes(a));
      if (unknown.length) throw new Error(`Unknown augmentation(s) ${unknown.join(", ")}; choose from ${RANDOM_AUGMENTATIONS.join(", ")}.`);
      for (const a of RANDOM_AUGMENTATIONS) augmentations[a] = { ...(augmentations[a] as object), enabled: chosen.includes(a) };
      // Turning augmentations on without copies would do nothing: default to one copy.
      if (chosen.length && !augmentations.copies) augmentations.copies = 1;
    }
    if (values.copies !== undefined) augmentations.copies = num(values.copies);
    if (values["no-flip"]) augmentations.flip = false;
    input.augmentations = augmentations;
  }
  const parsed = trainingConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(`Invalid training config: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; ")}`);
  }
  const unrunnable = unrunnableReason(parsed.data);
  if (unrunnable) throw new Error(`No trainer can run this config: ${unrunnable}`);
  return parsed.data;
}

import { z } from "zod";

import { EXPRESSION_CLASSES } from "../classes.ts";

/**
 * The manifest of a published expression-model version: everything a reader (the registry,
 * `mien eval`, the coach page) needs to run the model the way it was trained and evaluated.
 * Shared by the trainer (writer), the API (registry) and the browser (reader).
 *
 * A version is a folder: manifest.json, the trainable part as a TF.js model (model.json +
 * weight shards), and card.md. Frozen backbones are not copied: they ship inside npm packages
 * and are named here by id. The version's content hash is the sha256 of manifest.json's bytes,
 * and manifest.json lists the sha256 of every other file, so one hash pins the whole version.
 */
export const ARTIFACT_FORMAT = "mien.expression-model";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lower-case sha256");

export const artifactFile = z.object({
  /** Relative to the version folder, e.g. "model.json" or "group1-shard1of1.bin". */
  path: z.string().regex(/^[A-Za-z0-9._-]+$/, "a plain file name"),
  sha256,
  bytes: z.number().int().nonnegative(),
});

export const perClassMetrics = z.object({
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  support: z.number().int().nonnegative(),
});

/** One evaluation of the published (quantised) artifact on one labelled split. */
export const evaluationReport = z.object({
  n: z.number().int().nonnegative(),
  accuracy: z.number().min(0).max(1),
  balancedAccuracy: z.number().min(0).max(1),
  macroF1: z.number().min(0).max(1),
  top2: z.number().min(0).max(1),
  /** Expected calibration error after temperature scaling (15 equal-width bins). */
  ece: z.number().min(0).max(1),
  eceBeforeScaling: z.number().min(0).max(1).optional(),
  // Partial: a model of 7 classes (FER2013 has no contempt) reports 7 entries.
  perClass: z.partialRecord(z.enum(EXPRESSION_CLASSES), perClassMetrics),
  /** confusion[i][j]: images of classes[i] predicted as classes[j]. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  /** Reliability diagram: per confidence bin, mean confidence, accuracy and count. */
  reliability: z.array(z.object({ confidence: z.number(), accuracy: z.number(), count: z.number().int() })).optional(),
  /** Share of images at or above the abstain threshold, and the accuracy on them. */
  coverage: z.number().min(0).max(1).optional(),
  accuracyWhenConfident: z.number().min(0).max(1).optional(),
});

export const backboneRef = z.object({
  /** A BACKBONE_IDS entry of packages/model (or a trunk id the trainable part extends). */
  id: z.string().min(1),
  /** Where its frozen weights come from and what they were trained on. */
  provenance: z.string().min(1),
});

export const TTA_MODES = ["none", "flip", "flip-shift", "flip-crop"] as const;
export type TtaMode = (typeof TTA_MODES)[number];

const quantizationKind = z.enum(["float16", "uint8", "none"]);
/** A layers-format model.json of the version (one per trained part). */
const modelFileName = z.string().regex(/^[A-Za-z0-9._-]+\.json$/, "a .json file name");

/** A small trained head on the concatenated embeddings of frozen pretrained backbones. */
/**
 * A member's share of an ensemble's averaged log-probabilities (relative to the other members';
 * absent means 1). Ensembles fit them on val.
 */
const memberWeight = z.number().positive().max(1000).optional();

export const headMember = z.object({
  kind: z.literal("head"),
  backbones: z.array(z.string().min(1)).min(1),
  modelFile: modelFileName,
  quantization: quantizationKind,
  weight: memberWeight,
});

/**
 * A trained convolutional network that sees the face crop itself: from scratch, or the top
 * blocks of a pretrained backbone (`trunk`: its frozen lower part ships in npm and runs first).
 */
export const convMember = z.object({
  kind: z.literal("conv"),
  /**
   * Square crop of `size` px, gray (luma) or RGB, normalised as (x − mean) · scale (x in 0..255).
   * Absent with a trunk, whose own preprocessing applies.
   */
  input: z
    .object({ size: z.number().int().min(8).max(512), channels: z.union([z.literal(1), z.literal(3)]), mean: z.number(), scale: z.number().positive() })
    .optional(),
  trunk: z.object({ id: z.string().min(1), blocks: z.number().int().min(1).max(16) }).optional(),
  /**
   * Human-facing description, e.g. "cnn-s: 16·32·64·128 ×2 conv, BN folded, from scratch"; room for the longest
   * the trainer writes: cnn-m, a 60-character teacher name, a cohort member and weight averaging (about 265).
   */
  architecture: z.string().min(1).max(400),
  modelFile: modelFileName,
  quantization: quantizationKind,
  weight: memberWeight,
});

export const modelMember = z
  .discriminatedUnion("kind", [headMember, convMember])
  .refine((m) => m.kind === "head" || m.trunk || m.input, { message: "A conv member needs an input spec or a trunk." });
export type ModelMember = z.infer<typeof modelMember>;

const commonFields = {
  format: z.literal(ARTIFACT_FORMAT),
  /** Human-facing name, e.g. "fer7-mlp". */
  name: z.string().min(1).max(200),
  createdAt: z.iso.datetime(),
  /** Git commit (or package version) of the code that trained it. */
  codeVersion: z.string().min(1),
  /** Output order of the model. */
  classes: z.array(z.enum(EXPRESSION_CLASSES)).min(2),
  preprocessing: z.object({
    /** Face crops are converted to luma (repeated to 3 channels) when the training data was gray. */
    colour: z.enum(["gray", "rgb"]),
    /**
     * How a detector's face box becomes the model's crop: the box is scaled by `scale` about its
     * centre (then shifted by `shiftY` box heights) and made square, so crops look like the
     * training images' framing.
     */
    faceBox: z.object({ scale: z.number().positive().max(4), shiftY: z.number().min(-1).max(1) }),
    /**
     * Test-time augmentation. flip: average with the mirrored crop. flip-shift: members that see
     * the crop itself (conv members without a trunk, cheap at 48 px) also average the crop and its
     * mirror shifted by 2 px (1/24 of the side) up, down, left and right; members on face-api's
     * blocks keep flip only (each view costs them a 112 px pass). flip-crop: members that see the
     * crop average it with its mirror; members on face-api's blocks read the crop once (the
     * mirror would cost them a second 112 px pass on every coach frame).
     */
    tta: z.enum(TTA_MODES),
  }),
  calibration: z.object({
    /** Logits are divided by this before the softmax (fitted on val). */
    temperature: z.number().positive(),
    /** Below this top probability the coach says "unclear". */
    abstainThreshold: z.number().min(0).max(1),
    /**
     * Part of the training set's class prior taken back out (fitted on val): −strength · ln(share)
     * is added to each class's log-probability before the temperature, so that classes the
     * training set had few of (disgust) are not drowned out by the common ones (happiness).
     * Absent when no correction helped, and in versions made before it existed.
     */
    priorCorrection: z
      .object({
        strength: z.number().min(0).max(1),
        /** Each class's share of the training images, in the model's class order. */
        trainShares: z.array(z.number().positive().max(1)).min(2),
      })
      .optional(),
  }),
  snapshot: z.object({ contentHash: sha256, name: z.string().optional(), imageCount: z.number().int().nonnegative().optional() }),
  training: z.object({
    /** The validated job config it was trained with. */
    config: z.record(z.string(), z.unknown()),
    backend: z.string(),
    seconds: z.number().nonnegative(),
    /** The version a distilled network learnt from: its name and content hash (sha256 of its manifest.json). */
    teacher: z.object({ name: z.string(), contentHash: sha256 }).optional(),
  }),
  /** Keyed by split name: "val" always, "test" when the snapshot has one. */
  metrics: z.record(z.string(), evaluationReport),
  files: z.array(artifactFile).min(1),
};

/** Format 1: one head on frozen backbones (every version published before conv training). */
const manifestV1 = z.object({
  ...commonFields,
  formatVersion: z.literal(1),
  backbones: z.array(backboneRef).min(1),
  head: z.object({
    /** The TF.js model file of the trainable part (layers format). */
    modelFile: z.literal("model.json"),
    quantization: quantizationKind,
  }),
});

/**
 * Format 2: one or more members whose logits are averaged (an ensemble of one is a plain
 * model). `backbones` lists every pretrained part a member uses, with its provenance.
 */
const manifestV2 = z.object({
  ...commonFields,
  formatVersion: z.literal(2),
  backbones: z.array(backboneRef),
  members: z.array(modelMember).min(1).max(8),
});

export const artifactManifest = z
  .discriminatedUnion("formatVersion", [manifestV1, manifestV2])
  .refine((m) => !m.calibration.priorCorrection || m.calibration.priorCorrection.trainShares.length === m.classes.length, {
    message: "calibration.priorCorrection needs one training share per class.",
    path: ["calibration", "priorCorrection", "trainShares"],
  });

/** The members of any version, format 1 read as an ensemble of one head. */
export function manifestMembers(m: ArtifactManifest): ModelMember[] {
  if (m.formatVersion === 2) return m.members;
  return [{ kind: "head", backbones: m.backbones.map((b) => b.id), modelFile: m.head.modelFile, quantization: m.head.quantization }];
}

/** The weights' storage of a version ("float16", or "mixed" when members differ). */
export function manifestQuantization(m: ArtifactManifest): string {
  const kinds = new Set(manifestMembers(m).map((x) => x.quantization));
  return kinds.size === 1 ? [...kinds][0]! : "mixed";
}

export type ArtifactManifest = z.infer<typeof artifactManifest>;
export type ArtifactManifestV2 = z.infer<typeof manifestV2>;
export type EvaluationReport = z.infer<typeof evaluationReport>;
export type ArtifactFile = z.infer<typeof artifactFile>;

/** Parses a manifest, with one readable line per problem. */
export function parseArtifactManifest(value: unknown): ArtifactManifest {
  const parsed = artifactManifest.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`Not a valid Mien model manifest: ${problems}`);
  }
  return parsed.data;
}

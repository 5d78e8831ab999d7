import { Prisma } from "@mien/db";
import { EXPRESSION_CLASSES, FACE_API_EXPRESSION_LABELS } from "@mien/model";

import { decodeVector, Embedder, SCREENING_BACKBONE, SCREENING_MIRRORED } from "../embeddings.ts";
import { calibratedZeroShot, confidentLearning, mixProbabilities, outOfFoldProbabilities, type ProbabilitySource } from "../mislabel.ts";
import { referenceInfo, type ReferenceInfo } from "../reference.ts";
import { MISLABEL_MIX, THRESHOLDS } from "../thresholds.ts";
import { stageKey, type GlobalStage, type StageContext } from "./context.ts";

const PAGE = 20_000;

/** Which canonical classes face-api's expression net has (it lacks contempt). */
const ZERO_SHOT_KNOWS = EXPRESSION_CLASSES.map((c) => FACE_API_EXPRESSION_LABELS.includes(c));

/**
 * Confident learning over every embedded image. Probabilities: a weighted mean (MISLABEL_MIX) of
 * (a) out-of-fold probabilities of a k-fold logistic regression on the face embeddings, trained on
 * faces and mirrors and predicting both, (b) face-api's own expression output for the face and its
 * mirror, and (c) the reference model's (reference.ts) when there is one, (b) and (c)
 * temperature-calibrated on the given labels. Then per image the suggested label, the
 * probabilities of the given and suggested labels, the given class's threshold and the suspicion
 * (1 − the given label's probability), which orders the review queue. See thresholds.ts.
 */
export class MislabelStage implements GlobalStage {
  readonly name = "mislabel" as const;
  private readonly reference: ReferenceInfo | null;

  /** `referenceDir`: the reference model whose probabilities the embeddings stage stored, or null for none. */
  constructor(referenceDir: string | null = null) {
    this.reference = referenceDir ? referenceInfo(referenceDir) : null;
  }

  async run(ctx: StageContext): Promise<void> {
    const { db, runId, options } = ctx;
    const started = performance.now();
    await db.screeningStage.update({ where: stageKey(runId, this.name), data: { startedAt: new Date() } });
    const { ids, labels, x, mirrored, dim, reference } = await loadEmbeddings(ctx, this.reference);
    const k = EXPRESSION_CLASSES.length;
    await ctx.progress(0, options.folds, `${ids.length} embedded images`);
    let folds = 0;
    const outOfFold = await outOfFoldProbabilities(x, labels, dim, k, {
      folds: options.folds,
      mirrored,
      log: (m) => {
        ctx.log(`mislabel: ${m}`);
        void ctx.progress(++folds, options.folds, m);
      },
    });
    const embedder = await Embedder.load(ctx.models, SCREENING_BACKBONE);
    let zeroShot: { probs: Float32Array; temperature: number };
    try {
      const [face, mirror] = [await embedder.classify(x), await embedder.classify(mirrored)];
      if (!face || !mirror) throw new Error(`The screening backbone ${SCREENING_BACKBONE} has no expression output.`);
      zeroShot = calibratedZeroShot(face, mirror, labels, k, ZERO_SHOT_KNOWS);
    } finally {
      embedder.dispose();
    }
    const sources: ProbabilitySource[] = [];
    let referenceTemperature: number | null = null;
    if (reference) {
      const calibrated = calibratedReference(reference, labels, k);
      referenceTemperature = calibrated.temperature;
      sources.push({ probs: calibrated.probs, known: reference.known, weight: MISLABEL_MIX.reference, present: reference.present });
      sources.push({ probs: zeroShot.probs, known: ZERO_SHOT_KNOWS, weight: MISLABEL_MIX.zeroShot });
    } else sources.push({ probs: zeroShot.probs, known: ZERO_SHOT_KNOWS, weight: MISLABEL_MIX.zeroShotAlone });
    const probs = mixProbabilities(outOfFold, sources, k);
    const rule = { givenFactor: THRESHOLDS.mislabelGivenFactor, givenCeiling: options.mislabelCeiling ?? THRESHOLDS.mislabelGivenCeiling };
    const cl = confidentLearning(probs, labels, k, rule);
    const suggested = Array.from(cl.suggested, (c) => EXPRESSION_CLASSES[c]!);
    const suggestedConfidence = Array.from(cl.otherConfidence, (p, i) => (cl.issue[i] ? p : null));
    const labelThreshold = Array.from(labels, (y) => (Number.isNaN(cl.thresholds[y]!) ? null : cl.thresholds[y]!));
    const issues = cl.issue.reduce((n, v) => n + v, 0);
    const detail = {
      backbone: SCREENING_BACKBONE,
      reference: reference ? { key: this.reference!.key, images: reference.present.reduce((n, v) => n + v, 0) } : null,
      images: ids.length,
      folds: options.folds,
      rule: {
        ...rule,
        zeroShotTemperature: Math.round(zeroShot.temperature * 1000) / 1000,
        ...(referenceTemperature === null ? {} : { referenceTemperature: Math.round(referenceTemperature * 1000) / 1000 }),
        mix: reference ? { reference: MISLABEL_MIX.reference, zeroShot: MISLABEL_MIX.zeroShot } : { zeroShot: MISLABEL_MIX.zeroShotAlone },
      },
      suspected: issues,
      // Per class: the self-confidence threshold and how many of its images the model believes are another class.
      classes: Object.fromEntries(
        EXPRESSION_CLASSES.map((name, j) => [
          name,
          {
            images: labels.filter((y) => y === j).length,
            threshold: Number.isNaN(cl.thresholds[j]!) ? null : Math.round(cl.thresholds[j]! * 1000) / 1000,
            suspected: labels.filter((y, i) => y === j && cl.issue[i]).length,
          },
        ]),
      ),
      confidentJoint: cl.confidentJoint,
    };
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`
          UPDATE image SET "suggestedLabel" = NULL, "labelConfidence" = NULL, "mislabelScore" = NULL, "suggestedConfidence" = NULL, "labelThreshold" = NULL
          WHERE "mislabelScore" IS NOT NULL OR "suggestedLabel" IS NOT NULL`;
        for (let i = 0; i < ids.length; i += 10_000) {
          const end = Math.min(ids.length, i + 10_000);
          await tx.$executeRaw`
            UPDATE image AS i SET "suggestedLabel" = v.s, "labelConfidence" = v.c, "mislabelScore" = v.m, "suggestedConfidence" = v.sc, "labelThreshold" = v.t
            FROM unnest(${ids.slice(i, end)}::uuid[], ${suggested.slice(i, end)}::text[],
                        ${Array.from(cl.selfConfidence.subarray(i, end))}::float8[], ${Array.from(cl.suspicion.subarray(i, end))}::float8[],
                        ${suggestedConfidence.slice(i, end)}::float8[], ${labelThreshold.slice(i, end)}::float8[]) AS v(id, s, c, m, sc, t)
            WHERE i.id = v.id`;
        }
        await tx.screeningStage.update({
          where: stageKey(runId, this.name),
          data: { done: true, finishedAt: new Date(), processed: ids.length, total: ids.length, seconds: (performance.now() - started) / 1000, detail },
        });
      },
      { timeout: 300_000 },
    );
    ctx.log(`mislabel: ${issues} of ${ids.length} images look mislabelled`);
  }
}

interface ReferenceRows {
  /** n × k probabilities over EXPRESSION_CLASSES (zeros where absent). */
  probs: Float32Array;
  /** Per row, 1 when the reference's probabilities are stored. */
  present: Uint8Array;
  known: boolean[];
}

/** The reference's probabilities, calibrated on the given labels over the rows that have them. */
function calibratedReference(reference: ReferenceRows, labels: Int32Array, k: number): { probs: Float32Array; temperature: number } {
  const rows = Array.from(reference.present.keys()).filter((i) => reference.present[i]);
  const gathered = new Float32Array(rows.length * k);
  rows.forEach((r, i) => gathered.set(reference.probs.subarray(r * k, (r + 1) * k), i * k));
  // Flip TTA is inside the reference's own prediction, so the row is its own mirror.
  const { probs, temperature } = calibratedZeroShot(
    gathered,
    gathered,
    Int32Array.from(rows, (r) => labels[r]!),
    k,
    reference.known,
  );
  const out = new Float32Array(reference.probs.length);
  rows.forEach((r, i) => out.set(probs.subarray(i * k, (i + 1) * k), r * k));
  return { probs: out, temperature };
}

/**
 * Every stored embedding of the screening backbone with its mirror, the reference's probabilities
 * (when `info` names a reference and any image has them) and its image's current label, paged by
 * image id. Images embedded before mirrors were stored use their own embedding as the mirror.
 */
async function loadEmbeddings(
  ctx: StageContext,
  info: ReferenceInfo | null,
): Promise<{ ids: string[]; labels: Int32Array; x: Float32Array; mirrored: Float32Array; dim: number; reference: ReferenceRows | null }> {
  const ids: string[] = [];
  let dim = 0;
  const labels: number[] = [];
  const chunks: Float32Array[] = [];
  const mirrorChunks: Float32Array[] = [];
  const k = EXPRESSION_CLASSES.length;
  const referenceChunks: (Float32Array | null)[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: { id: string; label: string; vector: Uint8Array; mirror: Uint8Array | null; reference: Uint8Array | null }[] = await ctx.db.$queryRaw`
      SELECT e."imageId"::text AS id, i.label, e.vector, m.vector AS mirror, r.vector AS reference FROM image_embedding e JOIN image i ON i.id = e."imageId"
      LEFT JOIN image_embedding m ON m."imageId" = e."imageId" AND m.backbone = ${SCREENING_MIRRORED}
      LEFT JOIN image_embedding r ON r."imageId" = e."imageId" AND r.backbone = ${info?.key ?? ""}
      WHERE e.backbone = ${SCREENING_BACKBONE} ${cursor ? Prisma.sql`AND e."imageId" > ${cursor}::uuid` : Prisma.empty}
      ORDER BY e."imageId" LIMIT ${PAGE}`;
    for (const row of page) {
      ids.push(row.id);
      labels.push(EXPRESSION_CLASSES.indexOf(row.label as (typeof EXPRESSION_CLASSES)[number]));
      dim ||= row.vector.byteLength / 4;
      const face = decodeVector(row.vector, dim);
      chunks.push(face);
      mirrorChunks.push(row.mirror ? decodeVector(row.mirror, dim) : face);
      referenceChunks.push(row.reference ? decodeVector(row.reference, k) : null);
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)!.id;
  }
  const x = new Float32Array(ids.length * dim);
  const mirrored = new Float32Array(ids.length * dim);
  chunks.forEach((v, i) => x.set(v, i * dim));
  mirrorChunks.forEach((v, i) => mirrored.set(v, i * dim));
  let reference: ReferenceRows | null = null;
  if (info && referenceChunks.some((r) => r !== null)) {
    const probs = new Float32Array(ids.length * k);
    const present = Uint8Array.from(referenceChunks, (r) => (r ? 1 : 0));
    referenceChunks.forEach((r, i) => r && probs.set(r, i * k));
    reference = { probs, present, known: info.knows };
  }
  return { ids, labels: Int32Array.from(labels), x, mirrored, dim, reference };
}

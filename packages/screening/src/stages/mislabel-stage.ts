import { Prisma } from "@mien/db";
import { EXPRESSION_CLASSES } from "@mien/model";
import { decodeVector, SCREENING_BACKBONE } from "../embeddings.ts";
import { confidentLearning, outOfFoldProbabilities } from "../mislabel.ts";
import { stageKey, type GlobalStage, type StageContext } from "./context.ts";

const PAGE = 20_000;

/**
 * Confident learning over every embedded image: out-of-fold probabilities from a k-fold
 * logistic regression on the face embeddings, then per image the suggested label, the
 * out-of-fold probability of its given label, and its suspicion (1 − that probability).
 */
export class MislabelStage implements GlobalStage {
  readonly name = "mislabel" as const;

  async run(ctx: StageContext): Promise<void> {
    const { db, runId, options } = ctx;
    const started = performance.now();
    await db.screeningStage.update({ where: stageKey(runId, this.name), data: { startedAt: new Date() } });
    const { ids, labels, x, dim } = await loadEmbeddings(ctx);
    const k = EXPRESSION_CLASSES.length;
    await ctx.progress(0, options.folds, `${ids.length} embedded images`);
    let folds = 0;
    const probs = await outOfFoldProbabilities(x, labels, dim, k, {
      folds: options.folds,
      log: (m) => {
        ctx.log(`mislabel: ${m}`);
        void ctx.progress(++folds, options.folds, m);
      },
    });
    const cl = confidentLearning(probs, labels, k);
    const suggested = Array.from(cl.suggested, (c) => EXPRESSION_CLASSES[c]!);
    const issues = cl.issue.reduce((n, v) => n + v, 0);
    const detail = {
      backbone: SCREENING_BACKBONE,
      images: ids.length,
      folds: options.folds,
      suspected: issues,
      // Per class: the self-confidence threshold and how many of its images the model believes are another class.
      classes: Object.fromEntries(
        EXPRESSION_CLASSES.map((name, j) => [
          name,
          {
            images: labels.filter((y) => y === j).length,
            threshold: Number.isNaN(cl.thresholds[j]!) ? null : Math.round(cl.thresholds[j]! * 1000) / 1000,
            suspected: cl.confidentJoint[j]!.reduce((n, v, c) => n + (c === j ? 0 : v), 0),
          },
        ]),
      ),
      confidentJoint: cl.confidentJoint,
    };
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`
          UPDATE image SET "suggestedLabel" = NULL, "labelConfidence" = NULL, "mislabelScore" = NULL
          WHERE "mislabelScore" IS NOT NULL OR "suggestedLabel" IS NOT NULL`;
        for (let i = 0; i < ids.length; i += 10_000) {
          const end = Math.min(ids.length, i + 10_000);
          await tx.$executeRaw`
            UPDATE image AS i SET "suggestedLabel" = v.s, "labelConfidence" = v.c, "mislabelScore" = v.m
            FROM unnest(${ids.slice(i, end)}::uuid[], ${suggested.slice(i, end)}::text[],
                        ${Array.from(cl.selfConfidence.subarray(i, end))}::float8[], ${Array.from(cl.suspicion.subarray(i, end))}::float8[]) AS v(id, s, c, m)
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

/** Every stored embedding of the screening backbone with its image's current label, paged by image id. */
async function loadEmbeddings(ctx: StageContext): Promise<{ ids: string[]; labels: Int32Array; x: Float32Array; dim: number }> {
  const ids: string[] = [];
  let dim = 0;
  const labels: number[] = [];
  const chunks: Float32Array[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: { id: string; label: string; vector: Uint8Array }[] = await ctx.db.$queryRaw`
      SELECT e."imageId"::text AS id, i.label, e.vector FROM image_embedding e JOIN image i ON i.id = e."imageId"
      WHERE e.backbone = ${SCREENING_BACKBONE} ${cursor ? Prisma.sql`AND e."imageId" > ${cursor}::uuid` : Prisma.empty}
      ORDER BY e."imageId" LIMIT ${PAGE}`;
    for (const row of page) {
      ids.push(row.id);
      labels.push(EXPRESSION_CLASSES.indexOf(row.label as (typeof EXPRESSION_CLASSES)[number]));
      dim ||= row.vector.byteLength / 4;
      chunks.push(decodeVector(row.vector, dim));
    }
    if (page.length < PAGE) break;
    cursor = page.at(-1)!.id;
  }
  const x = new Float32Array(ids.length * dim);
  chunks.forEach((v, i) => x.set(v, i * dim));
  return { ids, labels: Int32Array.from(labels), x, dim };
}

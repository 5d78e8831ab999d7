import { Prisma } from "@mien/db";

import { THRESHOLDS } from "../thresholds.ts";
import { stageKey, type GlobalStage, type StageContext } from "./context.ts";

export const SCREENING_SOURCE = "screening";

/**
 * Turns the stored signals into image_flag rows (source "screening"), replacing the previous
 * run's. One transaction, so the review page never sees half of a run's flags.
 * The unclear causes are the SQL twin of unclearCauses() in blur.ts.
 */
export class FlagsStage implements GlobalStage {
  readonly name = "flags" as const;

  async run(ctx: StageContext): Promise<void> {
    const { db, runId } = ctx;
    const started = performance.now();
    await db.screeningStage.update({ where: stageKey(runId, this.name), data: { startedAt: new Date() } });
    const t = THRESHOLDS;
    const statements: Record<string, Prisma.Sql> = {
      unclear: Prisma.sql`
        SELECT id, 'unclear'::"FlagReason", sharpness, jsonb_build_object('causes', to_jsonb(causes), 'sharpness', sharpness, 'contrast', contrast, 'faceCount', "faceCount")
        FROM (SELECT id, sharpness, contrast, "faceCount", array_remove(ARRAY[
                CASE WHEN sharpness < ${t.sharpness} THEN 'blurry' END,
                CASE WHEN contrast < ${t.contrast} THEN 'flat' END,
                CASE WHEN "faceCount" >= 2 THEN 'several_faces' END], NULL) AS causes
              FROM image) s
        WHERE cardinality(causes) > 0`,
      no_face: Prisma.sql`
        SELECT id, 'no_face'::"FlagReason", "faceScore", jsonb_build_object('faceScore', "faceScore")
        FROM image WHERE "faceCount" = 0`,
      text_overlay: Prisma.sql`
        SELECT id, 'text_overlay'::"FlagReason", "ocrScore", jsonb_build_object('text', "ocrText")
        FROM image WHERE "ocrScore" >= ${t.ocrScore}`,
      duplicate: Prisma.sql`
        SELECT i.id, 'duplicate'::"FlagReason", NULL::float8, jsonb_build_object('keeperId', i."duplicateGroup", 'keeperLabel', k.label)
        FROM image i JOIN image k ON k.id = i."duplicateGroup" WHERE i."duplicateGroup" <> i.id`,
      mislabelled: Prisma.sql`
        SELECT id, 'mislabelled'::"FlagReason", "mislabelScore", jsonb_build_object('suggestedLabel', "suggestedLabel", 'labelConfidence', "labelConfidence", 'suggestedConfidence', "suggestedConfidence", 'labelThreshold', "labelThreshold")
        FROM image WHERE "suggestedLabel" IS NOT NULL AND "suggestedLabel" <> label`,
    };
    const counts: Record<string, number> = {};
    await db.$transaction(
      async (tx) => {
        await tx.imageFlag.deleteMany({ where: { source: SCREENING_SOURCE } });
        for (const [reason, select] of Object.entries(statements)) {
          counts[reason] = await tx.$executeRaw`
            INSERT INTO image_flag (id, "imageId", reason, source, score, detail)
            SELECT gen_random_uuid(), s.id, s.reason, ${SCREENING_SOURCE}, s.score, s.detail FROM (${select}) AS s(id, reason, score, detail)`;
        }
        await tx.screeningStage.update({
          where: stageKey(runId, this.name),
          data: {
            done: true,
            finishedAt: new Date(),
            processed: 1,
            total: 1,
            seconds: (performance.now() - started) / 1000,
            detail: { flags: counts, thresholds: t },
          },
        });
      },
      { timeout: 300_000 },
    );
    ctx.log(
      `flags: ${Object.entries(counts)
        .map(([r, n]) => `${r} ${n}`)
        .join(", ")}`,
    );
  }
}

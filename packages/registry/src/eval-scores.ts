import type { Db } from "@mien/db";

/**
 * Makes a queued score row for every published version × pinned set that has none (versions
 * published before a set was pinned included), and returns the ids of every row still queued,
 * for the caller to put on the evaluation queue (the row id is the job id, so queueing a row twice
 * runs it once).
 */
export async function ensureEvalScores(db: Db): Promise<string[]> {
  await db.$executeRaw`
    INSERT INTO eval_score (id, "setId", "versionId")
    SELECT gen_random_uuid(), s.id, v.id FROM eval_set s CROSS JOIN model_version v
    ON CONFLICT ("versionId", "setId") DO NOTHING`;
  const rows = await db.evalScore.findMany({ where: { status: "queued" }, select: { id: true }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.id);
}

import { Prisma, type Db } from "@mien/db";

export interface MislabelPrecision {
  /** The given label of the flagged images. */
  label: string;
  /** Images screening currently flags as mislabelled. */
  flagged: number;
  /** Curators' live decisions on them that say right or wrong: a relabel (or a "mislabelled" flag) confirms, an accept rejects. */
  confirmed: number;
  rejected: number;
  /** confirmed / (confirmed + rejected), or null before any such decision. */
  precision: number | null;
}

/**
 * The mislabel flag's precision as curators measure it, per given label: every live decision on an
 * image that carries screening's "mislabelled" flag counts once (decisions that only flag another
 * problem, such as a blurry face, say nothing about the label and are left out).
 */
export async function mislabelPrecision(db: Db): Promise<MislabelPrecision[]> {
  const rows = await db.$queryRaw<{ label: string; flagged: bigint; confirmed: bigint; rejected: bigint }[]>(Prisma.sql`
    SELECT i.label,
           count(DISTINCT i.id) AS flagged,
           count(d.id) FILTER (WHERE (d.kind = 'relabel' AND d.label <> i.label) OR (d.kind = 'flag' AND 'mislabelled' = ANY (d.flags))) AS confirmed,
           count(d.id) FILTER (WHERE d.kind = 'accept' OR (d.kind = 'relabel' AND d.label = i.label)) AS rejected
      FROM image_flag f
      JOIN image i ON i.id = f."imageId"
      LEFT JOIN review_decision d ON d."imageId" = i.id
     WHERE f.reason = 'mislabelled' AND f.source = 'screening'
     GROUP BY i.label
     ORDER BY i.label`);
  return rows.map((r) => {
    const confirmed = Number(r.confirmed);
    const rejected = Number(r.rejected);
    return { label: r.label, flagged: Number(r.flagged), confirmed, rejected, precision: confirmed + rejected > 0 ? confirmed / (confirmed + rejected) : null };
  });
}

import type { Db } from "@mien/db";

/**
 * Gives every image without a split a deterministic, class-stratified one:
 * within each class, order by content hash and deal rows out 14:3:3 of every
 * 20 (70/15/15). Images that already have a split keep it, so re-running never
 * moves an image between train and test.
 */
export async function assignMissingSplits(db: Db): Promise<number> {
  return db.$executeRaw`
    WITH ranked AS (
      SELECT id, row_number() OVER (PARTITION BY label ORDER BY sha256) % 20 AS slot
      FROM image
      WHERE split IS NULL
    )
    UPDATE image AS i
    SET split = (CASE WHEN r.slot < 14 THEN 'train' WHEN r.slot < 17 THEN 'val' ELSE 'test' END)::"Split",
        "updatedAt" = now()
    FROM ranked AS r
    WHERE i.id = r.id`;
}

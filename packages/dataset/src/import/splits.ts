import type { Db } from "@mien/db";

import type { SplitName } from "../types.ts";

/** The shares the importer deals each class's images into when the source gives no split. */
export const SPLIT_SHARES: Readonly<Record<SplitName, number>> = { train: 0.7, val: 0.15, test: 0.15 };
const SPLITS = ["train", "val", "test"] as const;

export type SplitCounts = Record<SplitName, number>;

// Any constant works; every process that deals splits takes the same lock.
const DEAL_LOCK = 727_011;

/**
 * Deals `n` new images of one class, one at a time, each to the split furthest below its share
 * of the class's new total (ties: train, then val, then test). Starting from the class's dealt
 * counts keeps every split within one image of its share after every image, whether the class
 * arrives one image per import or 400k at once. Returns the new images per split.
 */
export function dealSplits(current: SplitCounts, n: number): SplitCounts {
  const counts = { ...current };
  let total = counts.train + counts.val + counts.test;
  for (let i = 0; i < n; i++) {
    total++;
    let best: SplitName = "train";
    let bestDeficit = -Infinity;
    for (const s of SPLITS) {
      const deficit = SPLIT_SHARES[s] * total - counts[s];
      if (deficit > bestDeficit + 1e-9) {
        best = s;
        bestDeficit = deficit;
      }
    }
    counts[best]++;
  }
  return { train: counts.train - current.train, val: counts.val - current.val, test: counts.test - current.test };
}

/**
 * Gives every image without a split one, class by class, dealt against the class's images that
 * were dealt before (see dealSplits); within a class the new images take their splits in
 * content-hash order, a random order that no file name or arrival order can bias. Images that
 * have a split keep it, and source splits (FER2013's folders) neither move nor count, so a split
 * never changes once given. Returns the number of images given a split.
 */
export async function assignMissingSplits(db: Db): Promise<number> {
  return db.$transaction(
    async (tx) => {
      // Two imports finishing together would both deal from the same counts.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DEAL_LOCK})`;
      const classes = await tx.$queryRaw<Array<SplitCounts & { label: string; new: number }>>`
        SELECT label,
               count(*) FILTER (WHERE "splitDealt" AND split = 'train')::int AS train,
               count(*) FILTER (WHERE "splitDealt" AND split = 'val')::int AS val,
               count(*) FILTER (WHERE "splitDealt" AND split = 'test')::int AS test,
               count(*) FILTER (WHERE split IS NULL)::int AS new
        FROM image
        GROUP BY label
        HAVING count(*) FILTER (WHERE split IS NULL) > 0`;
      if (classes.length === 0) return 0;
      const quotas = classes.map((c) => ({ label: c.label, n: c.new, ...dealSplits(c, c.new) }));
      // Rows another import committed after the count rank past `n` and wait for its own deal.
      return tx.$executeRaw`
        WITH quota AS (
          SELECT * FROM unnest(${quotas.map((q) => q.label)}::text[], ${quotas.map((q) => q.train)}::int[],
                               ${quotas.map((q) => q.val)}::int[], ${quotas.map((q) => q.n)}::int[]) AS q(label, train, val, n)
        ), ranked AS (
          SELECT id, label, row_number() OVER (PARTITION BY label ORDER BY sha256) AS rank
          FROM image
          WHERE split IS NULL
        )
        UPDATE image AS i
        SET split = (CASE WHEN r.rank <= q.train THEN 'train' WHEN r.rank <= q.train + q.val THEN 'val' ELSE 'test' END)::"Split",
            "splitDealt" = true,
            "updatedAt" = now()
        FROM ranked AS r
        JOIN quota AS q ON q.label = r.label
        WHERE i.id = r.id AND r.rank <= q.n`;
    },
    { timeout: 10 * 60_000 },
  );
}

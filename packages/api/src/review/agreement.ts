import type { Db } from "@mien/db";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { fleissKappa, mergeKappaStats, type Kappa, type KappaStats } from "./fleiss-kappa.ts";

export interface AgreementRow extends Kappa {
  /** Images with at least two reviews, which the kappa covers. */
  images: number;
  /** Curator decisions on those images. */
  ratings: number;
  /** Share of those decisions per outcome: "accept", "flag" (remove) or "relabel:<class>". */
  outcomes: Record<string, number>;
}

export interface Agreement {
  overall: AgreementRow;
  classes: (AgreementRow & { name: string })[];
  /** Images reviewed only once, which no agreement measure can cover yet. */
  singleReviewed: number;
}

interface StatsRow {
  kind: "subjects" | "categories" | "single";
  class: string | null;
  category: string | null;
  images: number;
  ratings: number;
  sum_p: number | null;
}

function rowOf(stats: KappaStats): AgreementRow {
  const ratings = [...stats.categoryTotals.values()].reduce((a, b) => a + b, 0);
  const outcomes = Object.fromEntries([...stats.categoryTotals].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => [c, n / ratings]));
  return { ...fleissKappa(stats), images: stats.subjects, ratings, outcomes };
}

/**
 * Inter-curator agreement (Fleiss' kappa over decision outcomes) per class and overall, in one
 * grouped pass over the decisions of images with two or more reviews. A class is the image's current
 * label; the categories are the outcomes the consensus rule compares (mien_review_outcome).
 */
export async function agreement(db: Db): Promise<Agreement> {
  const rows = await db.$queryRaw<StatsRow[]>`
    WITH rated AS (
      SELECT d."imageId", i.label AS class,
             mien_review_outcome(d.kind, d.label, d.flags, d."suggestedLabel", i.label) AS category
        FROM review_consensus c
        JOIN review_decision d ON d."imageId" = c."imageId"
        JOIN image i ON i.id = c."imageId"
       WHERE c.reviews >= 2
    ), cells AS (
      SELECT "imageId", class, category, count(*)::float8 AS n FROM rated GROUP BY 1, 2, 3
    ), subjects AS (
      SELECT class, sum(n) AS raters, sum(n * (n - 1)) AS pairs FROM cells GROUP BY "imageId", class
    )
    SELECT 'subjects' AS kind, class, NULL AS category, count(*)::int AS images, sum(raters)::int AS ratings,
           sum(pairs / (raters * (raters - 1)))::float8 AS sum_p
      FROM subjects GROUP BY class
    UNION ALL
    SELECT 'categories', class, category, 0, sum(n)::int, NULL FROM cells GROUP BY class, category
    UNION ALL
    SELECT 'single', NULL, NULL, count(*)::int, 0, NULL FROM review_consensus WHERE reviews = 1`;

  const byClass = new Map<string, { subjects: number; sumAgreement: number; categoryTotals: Map<string, number> }>(
    EXPRESSION_CLASSES.map((name) => [name, { subjects: 0, sumAgreement: 0, categoryTotals: new Map() }]),
  );
  const statsFor = (name: string) => byClass.get(name) ?? byClass.set(name, { subjects: 0, sumAgreement: 0, categoryTotals: new Map() }).get(name)!;
  let singleReviewed = 0;
  for (const row of rows) {
    if (row.kind === "single") singleReviewed = row.images;
    else if (row.kind === "subjects") Object.assign(statsFor(row.class!), { subjects: row.images, sumAgreement: row.sum_p ?? 0 });
    else statsFor(row.class!).categoryTotals.set(row.category!, row.ratings);
  }
  return {
    overall: rowOf(mergeKappaStats([...byClass.values()])),
    classes: [...byClass].map(([name, stats]) => ({ name, ...rowOf(stats) })),
    singleReviewed,
  };
}

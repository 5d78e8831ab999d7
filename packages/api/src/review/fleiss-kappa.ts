/**
 * Sufficient statistics for Fleiss' kappa over subjects (images) rated by a varying number of
 * raters (curators), each rating at least twice:
 * - `subjects`: how many images;
 * - `sumAgreement`: Σ over images of P_i = Σ_j n_ij (n_ij − 1) / (n_i (n_i − 1));
 * - `categoryTotals`: how many ratings fell in each category, over all those images.
 */
export interface KappaStats {
  subjects: number;
  sumAgreement: number;
  categoryTotals: ReadonlyMap<string, number>;
}

export interface Kappa {
  /** Fleiss' kappa; null when it is undefined (no images, or every rating in one category). */
  kappa: number | null;
  /** Mean pairwise agreement P̄. */
  observed: number | null;
  /** Agreement expected by chance, P̄e = Σ p_j². */
  expected: number | null;
}

/**
 * Fleiss' kappa, κ = (P̄ − P̄e) / (1 − P̄e), in the form that allows a different number of raters per
 * subject: P̄ averages each subject's pairwise agreement, and p_j pools every rating.
 */
export function fleissKappa(stats: KappaStats): Kappa {
  const ratings = [...stats.categoryTotals.values()].reduce((a, b) => a + b, 0);
  if (stats.subjects === 0 || ratings === 0) return { kappa: null, observed: null, expected: null };
  const observed = stats.sumAgreement / stats.subjects;
  let expected = 0;
  for (const n of stats.categoryTotals.values()) expected += (n / ratings) ** 2;
  // Every rating in one category: chance agreement is total, so kappa says nothing.
  const kappa = 1 - expected < 1e-12 ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected };
}

/** Adds up per-class statistics into the overall ones. */
export function mergeKappaStats(parts: readonly KappaStats[]): KappaStats {
  const categoryTotals = new Map<string, number>();
  let subjects = 0;
  let sumAgreement = 0;
  for (const p of parts) {
    subjects += p.subjects;
    sumAgreement += p.sumAgreement;
    for (const [category, n] of p.categoryTotals) categoryTotals.set(category, (categoryTotals.get(category) ?? 0) + n);
  }
  return { subjects, sumAgreement, categoryTotals };
}

/** The statistics of a plain subjects × categories count table (each row one subject), for tests and small data. */
export function kappaStatsOf(table: readonly (readonly number[])[], categories?: readonly string[]): KappaStats {
  const categoryTotals = new Map<string, number>();
  let sumAgreement = 0;
  let subjects = 0;
  for (const row of table) {
    const n = row.reduce((a, b) => a + b, 0);
    if (n < 2) continue;
    subjects++;
    sumAgreement += row.reduce((s, nij) => s + nij * (nij - 1), 0) / (n * (n - 1));
    row.forEach((nij, j) => {
      const key = categories?.[j] ?? String(j);
      categoryTotals.set(key, (categoryTotals.get(key) ?? 0) + nij);
    });
  }
  return { subjects, sumAgreement, categoryTotals };
}

/** How well a mislabel flag and ranking find planted label errors. */
export interface MislabelScores {
  images: number;
  flipped: number;
  flagged: number;
  flagRate: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Probability that a flipped image ranks above an unflipped one (ties count half). */
  auroc: number | null;
  /** Share of flipped images among the top k of the ranking, for k = the number of flips and k = 100. */
  precisionAtFlips: number | null;
  precisionAt100: number | null;
  /** Of the flipped images the flag caught, the share whose suggested label is their true label. */
  suggestedAccuracy: number | null;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : null);

/** Mann–Whitney AUROC by ranks (average ranks for ties). */
export function auroc(score: ArrayLike<number>, positive: (i: number) => boolean): number | null {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && score[order[end + 1]!] === score[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let r = start; r <= end; r++) {
      if (positive(order[r]!)) {
        pos++;
        rankSum += rank;
      }
    }
    start = end + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function mislabelScores(args: {
  flipped: ReadonlySet<number>;
  flagged: ArrayLike<number>;
  /** Higher is more suspicious. */
  score: ArrayLike<number>;
  suggested: ArrayLike<number>;
  truth: ArrayLike<number>;
}): MislabelScores {
  const { flipped, flagged, score, suggested, truth } = args;
  const n = flagged.length;
  let flags = 0;
  let hits = 0;
  let rightSuggestion = 0;
  for (let i = 0; i < n; i++) {
    if (!flagged[i]) continue;
    flags++;
    if (flipped.has(i)) {
      hits++;
      if (suggested[i] === truth[i]) rightSuggestion++;
    }
  }
  const precision = ratio(hits, flags);
  const recall = ratio(hits, flipped.size);
  const ranked = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  const at = (k: number) => (k > 0 ? ratio(ranked.slice(0, k).filter((i) => flipped.has(i)).length, Math.min(k, n)) : null);
  const a = auroc(score, (i) => flipped.has(i));
  return {
    images: n,
    flipped: flipped.size,
    flagged: flags,
    flagRate: round(flags / n),
    precision,
    recall,
    f1: precision !== null && recall !== null && precision + recall > 0 ? round((2 * precision * recall) / (precision + recall)) : null,
    auroc: a === null ? null : round(a),
    precisionAtFlips: at(flipped.size),
    precisionAt100: flipped.size > 0 ? at(100) : null,
    suggestedAccuracy: ratio(rightSuggestion, hits),
  };
}

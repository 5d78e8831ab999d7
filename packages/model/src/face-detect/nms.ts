/** A detector candidate: [x1, y1, x2, y2] box, confidence and flat [x, y, …] keypoints. */
export interface Candidate {
  box: [number, number, number, number];
  score: number;
  points: number[];
}

export function iou(a: Candidate["box"], b: Candidate["box"]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * MediaPipe's weighted non-maximum suppression: each kept face is the score-weighted mean of the
 * candidates overlapping the best one, which steadies boxes from frame to frame far better than
 * keeping the single best candidate.
 */
export function weightedNms(candidates: readonly Candidate[], iouThreshold: number, maxFaces: number): Candidate[] {
  let remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  while (remaining.length > 0 && kept.length < maxFaces) {
    const best = remaining[0]!;
    const cluster = remaining.filter((c) => iou(best.box, c.box) > iouThreshold);
    remaining = remaining.filter((c) => iou(best.box, c.box) <= iouThreshold);
    const total = cluster.reduce((s, c) => s + c.score, 0);
    const mean = (pick: (c: Candidate) => number[]) => pick(best).map((_, i) => cluster.reduce((s, c) => s + pick(c)[i]! * c.score, 0) / total);
    kept.push({ score: best.score, box: mean((c) => c.box) as Candidate["box"], points: mean((c) => c.points) });
  }
  return kept;
}

/**
 * Plain greedy suppression with `tf.image.nonMaxSuppression`'s rules: only scores above `minScore`
 * count, the best candidate is kept and every candidate overlapping a kept one by `iouThreshold` or
 * more is dropped; equal scores keep the earlier anchor first, and flipped corners are read as the box they span.
 */
export function greedyNms(candidates: readonly Candidate[], iouThreshold: number, maxFaces: number, minScore: number): Candidate[] {
  const ordered = candidates.filter((c) => c.score > minScore).sort((a, b) => b.score - a.score);
  const kept: Candidate[] = [];
  for (const c of ordered) {
    if (kept.length >= maxFaces) break;
    if (kept.every((k) => iou(spanned(k.box), spanned(c.box)) < iouThreshold)) kept.push(c);
  }
  return kept;
}

function spanned(b: Candidate["box"]): Candidate["box"] {
  return [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
}

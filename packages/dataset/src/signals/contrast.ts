/** Standard deviation of the grey levels (0–255). Low means a flat, low-information image. */
export function contrast(gray: ArrayLike<number>): number {
  const n = gray.length;
  if (n === 0) return 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = gray[i]!;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

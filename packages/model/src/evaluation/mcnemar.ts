/**
 * McNemar's exact test on paired right/wrong outcomes of two classifiers on the same images.
 * Only the discordant pairs matter: b01 images that A got wrong and B right, b10 the reverse.
 * Under "A and B are equally good" each discordant pair goes either way with probability ½, so
 * min(b01, b10) is binomial(b01 + b10, ½); the two-sided p doubles its lower tail (capped at 1).
 */
export function mcnemarExact(b01: number, b10: number): number {
  if (!Number.isInteger(b01) || !Number.isInteger(b10) || b01 < 0 || b10 < 0) {
    throw new Error(`mcnemarExact: counts must be non-negative integers (got ${b01}, ${b10}).`);
  }
  const n = b01 + b10;
  if (n === 0) return 1;
  const m = Math.min(b01, b10);
  // log C(n, i) built up term by term, summed in log space: exact enough for n in the millions
  // without overflowing 2^n.
  let logC = 0;
  const logs: number[] = [];
  for (let i = 0; i <= m; i++) {
    logs.push(logC - n * Math.LN2);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  const top = logs.reduce((a, b) => Math.max(a, b), -Infinity);
  const tail = Math.exp(top) * logs.reduce((s, l) => s + Math.exp(l - top), 0);
  return Math.min(1, 2 * tail);
}

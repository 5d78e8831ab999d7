// Candidate flag rules and rankings compared by mislabel-study.ts.
type Probs = Float32Array;

function thresholds(p: Probs, y: Int32Array, k: number): Float64Array {
  const s = new Float64Array(k);
  const c = new Float64Array(k);
  y.forEach((l, i) => ((s[l]! += p[i * k + l]!), (c[l]! += 1)));
  return s.map((v, j) => (c[j] ? v / c[j]! : Number.NaN));
}
const argmaxOther = (p: Probs, i: number, k: number, y: number) => {
  let b = -1;
  for (let j = 0; j < k; j++) if (j !== y && (b < 0 || p[i * k + j]! > p[i * k + b]!)) b = j;
  return b;
};

export const RANKINGS = {
  selfConfidence: (p: Probs, y: Int32Array, k: number) => Float32Array.from(y, (l, i) => 1 - p[i * k + l]!),
  margin: (p: Probs, y: Int32Array, k: number) => Float32Array.from(y, (l, i) => p[i * k + argmaxOther(p, i, k, l)]! - p[i * k + l]!),
  // Self-confidence relative to the class's threshold (classes the model finds hard are not all suspects).
  relSelf: (p: Probs, y: Int32Array, k: number) => {
    const t = thresholds(p, y, k);
    return Float32Array.from(y, (l, i) => -p[i * k + l]! / t[l]!);
  },
  relMargin: (p: Probs, y: Int32Array, k: number) => {
    const t = thresholds(p, y, k);
    return Float32Array.from(y, (l, i) => {
      const j = argmaxOther(p, i, k, l);
      return p[i * k + j]! / t[j]! - p[i * k + l]! / t[l]!;
    });
  },
};

type Rule = (p: Probs, y: Int32Array, k: number, t: Float64Array) => { issue: Uint8Array; suggested: Int32Array };

function byCondition(cond: (p: Probs, i: number, y: number, j: number, t: Float64Array) => boolean): Rule {
  return (p, y, k, t) => {
    const issue = new Uint8Array(y.length);
    const suggested = Int32Array.from(y);
    y.forEach((l, i) => {
      const j = argmaxOther(p, i, k, l);
      if (cond(p.subarray(i * k, (i + 1) * k), i, l, j, t)) {
        issue[i] = 1;
        suggested[i] = j;
      }
    });
    return { issue, suggested };
  };
}

export const RULES: Record<string, Rule> = {
  // The shipped rule: likeliest class reaches its threshold and is not the label.
  current: byCondition((p, _i, y, j, t) => p[j]! > p[y]! && p[j]! >= t[j]!),
  // The issue's rule: given below its threshold and another class at or above its own.
  clStrict: byCondition((p, _i, y, j, t) => p[y]! < t[y]! && p[j]! >= t[j]!),
  clStrictArg: byCondition((p, _i, y, j, t) => p[y]! < t[y]! && p[j]! >= t[j]! && p[j]! > p[y]!),
  f40: byCondition((p, _i, y, j, t) => p[y]! < 0.4 * t[y]! && p[j]! >= t[j]! && p[j]! > p[y]!),
  f30: byCondition((p, _i, y, j, t) => p[y]! < 0.3 * t[y]! && p[j]! >= t[j]! && p[j]! > p[y]!),
  f20: byCondition((p, _i, y, j, t) => p[y]! < 0.2 * t[y]! && p[j]! >= t[j]! && p[j]! > p[y]!),
  f15: byCondition((p, _i, y, j, t) => p[y]! < 0.15 * t[y]! && p[j]! >= t[j]! && p[j]! > p[y]!),
  c05: byCondition((p, _i, y, j, t) => p[y]! < 0.05 && p[j]! >= t[j]! && p[j]! > p[y]!),
  c06: byCondition((p, _i, y, j, t) => p[y]! < 0.06 && p[j]! >= t[j]! && p[j]! > p[y]!),
  c07: byCondition((p, _i, y, j, t) => p[y]! < 0.07 && p[j]! >= t[j]! && p[j]! > p[y]!),
  c08: byCondition((p, _i, y, j, t) => p[y]! < 0.08 && p[j]! >= t[j]! && p[j]! > p[y]!),
  c07t: byCondition((p, _i, y, j, t) => p[y]! < Math.min(0.07, t[y]!) && p[j]! >= t[j]! && p[j]! > p[y]!),
  half: byCondition((p, _i, y, j, t) => p[y]! < 0.5 * t[y]! && p[j]! >= t[j]!),
  third: byCondition((p, _i, y, j, t) => p[y]! < 0.33 * t[y]! && p[j]! >= t[j]!),
  quarter: byCondition((p, _i, y, j, t) => p[y]! < 0.25 * t[y]! && p[j]! >= t[j]!),
  m30: byCondition((p, _i, y, j) => p[j]! - p[y]! >= 0.3),
  m45: byCondition((p, _i, y, j) => p[j]! - p[y]! >= 0.45),
  m60: byCondition((p, _i, y, j) => p[j]! - p[y]! >= 0.6),
  py10: byCondition((p, _i, y) => p[y]! < 0.1),
  py05: byCondition((p, _i, y) => p[y]! < 0.05),
};

export function applyRule(name: keyof typeof RULES, p: Probs, y: Int32Array, k: number) {
  return RULES[name]!(p, y, k, thresholds(p, y, k));
}

import { Random } from "./random.ts";

/**
 * Planted label errors: `uniform` relabels a share of every class to a random other class;
 * `pairs` relabels a share of each class in a confusable pair to its partner (the confusions real
 * annotators make), leaving the other classes alone.
 */
export type NoiseKind = "uniform" | "pairs";

export interface NoiseSetting {
  kind: NoiseKind;
  /** Share of each affected class whose label is flipped (0 plants nothing: the clean run). */
  rate: number;
}

/** Class pairs the `pairs` noise swaps (canonical class names). */
export const CONFUSABLE_PAIRS: readonly (readonly [string, string])[] = [
  ["fear", "surprise"],
  ["sadness", "neutral"],
];

export const settingName = (s: NoiseSetting) => (s.rate === 0 ? "clean" : `${s.kind}-${Math.round(s.rate * 100)}`);

/**
 * Noisy labels for `truth` (class indices into `classes`): exactly round(rate × class size) images
 * of each affected class are flipped, chosen by a seeded shuffle. Returns the new labels and the
 * flipped rows.
 */
export function plantLabelNoise(
  truth: Int32Array,
  classes: readonly string[],
  setting: NoiseSetting,
  seed: number,
): { labels: Int32Array; flipped: Set<number> } {
  const random = new Random(seed);
  const labels = Int32Array.from(truth);
  const flipped = new Set<number>();
  if (setting.rate < 0 || setting.rate >= 1) throw new Error(`A flip rate must be in [0, 1); got ${setting.rate}.`);
  const present = [...new Set(truth)].sort((a, b) => a - b);
  const partner = new Map<number, number>();
  for (const [a, b] of CONFUSABLE_PAIRS) {
    const ia = classes.indexOf(a);
    const ib = classes.indexOf(b);
    if (ia < 0 || ib < 0) throw new Error(`The confusable pair ${a} ↔ ${b} is not in the classes (${classes.join(", ")}).`);
    partner.set(ia, ib).set(ib, ia);
  }
  for (const y of present) {
    if (setting.kind === "pairs" && !partner.has(y)) continue;
    const rows = random.shuffle(Array.from(truth.keys()).filter((i) => truth[i] === y));
    const count = Math.round(rows.length * setting.rate);
    for (const row of rows.slice(0, count)) {
      labels[row] = setting.kind === "pairs" ? partner.get(y)! : random.pick(present.filter((c) => c !== y));
      flipped.add(row);
    }
  }
  return { labels, flipped };
}

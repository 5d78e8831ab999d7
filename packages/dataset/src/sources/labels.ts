import { EXPRESSION_CLASSES, labelKey, normalizeLabel, type ExpressionClass } from "@mien/vocabulary/classes";

import { UnknownLabelsError } from "../errors.ts";

export type LabelMap = Readonly<Record<string, ExpressionClass>>;

/**
 * Validates `--map from=to` pairs: keys are folded like labels, and each target
 * must itself be a class or a known spelling of one.
 */
export function normalizeLabelMap(map: Record<string, string> = {}): LabelMap {
  const out: Record<string, ExpressionClass> = {};
  for (const [from, to] of Object.entries(map)) {
    const target = normalizeLabel(to);
    if (!target) {
      throw new Error(`--map ${from}=${to}: "${to}" is not a class. Use one of: ${EXPRESSION_CLASSES.join(", ")}.`);
    }
    out[labelKey(from)] = target;
  }
  return out;
}

/** Counts raw labels during a pre-pass, then throws if any is unknown. */
export class LabelScan {
  private readonly unknown = new Map<string, number>();
  constructor(private readonly map: LabelMap) {}

  resolve(raw: string): ExpressionClass | null {
    const label = normalizeLabel(raw, this.map);
    if (!label) this.unknown.set(raw, (this.unknown.get(raw) ?? 0) + 1);
    return label;
  }

  assertAllKnown(): void {
    if (this.unknown.size > 0) throw new UnknownLabelsError(Object.fromEntries(this.unknown));
  }
}

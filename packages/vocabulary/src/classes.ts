/** The eight canonical expression classes, in model-output order. */
export const EXPRESSION_CLASSES = ["anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"] as const;

export type ExpressionClass = (typeof EXPRESSION_CLASSES)[number];

/** Spellings seen in public data sets, mapped to the canonical class. Keys are lower case. */
export const CLASS_SYNONYMS: Readonly<Record<string, ExpressionClass>> = {
  angry: "anger",
  anger: "anger",
  mad: "anger",
  contempt: "contempt",
  contemptuous: "contempt",
  disgust: "disgust",
  disgusted: "disgust",
  fear: "fear",
  fearful: "fear",
  afraid: "fear",
  scared: "fear",
  happiness: "happiness",
  happy: "happiness",
  joy: "happiness",
  neutral: "neutral",
  calm: "neutral",
  sadness: "sadness",
  sad: "sadness",
  surprise: "surprise",
  surprised: "surprise",
};

/** Folds case, surrounding space and separators, e.g. " Happy " → "happy". */
export function labelKey(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, " ");
}

/**
 * Maps a raw label to its canonical class, or null when unknown.
 * `extra` holds user mappings (e.g. from `--map`), which win over the built-in synonyms.
 */
export function normalizeLabel(raw: string, extra: Readonly<Record<string, ExpressionClass>> = {}): ExpressionClass | null {
  const key = labelKey(raw);
  return extra[key] ?? CLASS_SYNONYMS[key] ?? null;
}

export function isExpressionClass(value: string): value is ExpressionClass {
  return (EXPRESSION_CLASSES as readonly string[]).includes(value);
}

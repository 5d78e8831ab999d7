import type { PageInput, ReviewItem } from "./review-keys.ts";

export type ReviewSort = NonNullable<PageInput["sort"]>;
type ThresholdField = "maxBlur" | "maxContrast" | "maxFaceScore" | "minText" | "minSuspicion";

/** The screening fields of the page query: changing the queue resets all of them. */
export const SCREENING_FIELDS = [
  "sort",
  "faces",
  "suggestedDiffers",
  "inDuplicateGroup",
  "maxBlur",
  "maxContrast",
  "maxFaceScore",
  "minText",
  "minSuspicion",
] as const;

export const SORTS: ReadonlyArray<{ value: ReviewSort; text: string }> = [
  { value: "id", text: "Stable order" },
  { value: "suspicious", text: "Most suspicious label first" },
  { value: "text", text: "Most text-like first" },
  { value: "least-face", text: "Least face-like first" },
  { value: "blurriest", text: "Blurriest first" },
  { value: "flattest", text: "Lowest contrast first" },
  { value: "duplicates", text: "Near-duplicates together" },
];

/** The threshold that goes with each signal order, as the one number a curator tunes. */
export const SORT_THRESHOLD: Partial<Record<ReviewSort, { field: ThresholdField; label: string; step: number; min: number; max: number }>> = {
  suspicious: { field: "minSuspicion", label: "Suspicion at least", step: 0.05, min: 0, max: 1 },
  text: { field: "minText", label: "Text score at least", step: 0.05, min: 0, max: 1 },
  "least-face": { field: "maxFaceScore", label: "Face score at most", step: 0.05, min: 0, max: 1 },
  blurriest: { field: "maxBlur", label: "Sharpness at most", step: 10, min: 0, max: 100000 },
  flattest: { field: "maxContrast", label: "Contrast at most", step: 1, min: 0, max: 255 },
};

export interface Queue {
  id: string;
  text: string;
  /** The screening fields this queue sets (all others are cleared). */
  set: Partial<Pick<PageInput, (typeof SCREENING_FIELDS)[number]>>;
}

/** Ready-made queues: one signal, the order that puts its worst cases first, and the filter that keeps only them. */
export function queues(thresholds: { ocrScore: number } | undefined): Queue[] {
  return [
    { id: "all", text: "All images", set: { sort: "id" } },
    { id: "suspicious", text: "Label looks wrong (most suspicious first)", set: { sort: "suspicious", suggestedDiffers: true } },
    { id: "text", text: "Text over the face", set: { sort: "text", minText: thresholds?.ocrScore ?? 0.6 } },
    { id: "no-face", text: "No face found", set: { sort: "least-face", faces: "none" } },
    { id: "several-faces", text: "Several faces", set: { sort: "id", faces: "several" } },
    { id: "duplicates", text: "Near-duplicates", set: { sort: "duplicates", inDuplicateGroup: true } },
    { id: "blurriest", text: "Blurriest first", set: { sort: "blurriest" } },
    { id: "flattest", text: "Lowest contrast first", set: { sort: "flattest" } },
  ];
}

/** The page query with every screening field cleared, then `set` applied. */
export function applyQueue(value: PageInput, set: Queue["set"]): PageInput {
  const next: Record<string, unknown> = { ...value };
  for (const f of SCREENING_FIELDS) delete next[f];
  return { ...(next as PageInput), sort: "id", suggestedDiffers: false, inDuplicateGroup: false, ...set };
}

/** The queue the current filters amount to, or null ("custom"). */
export function currentQueue(value: PageInput, all: readonly Queue[]): Queue | null {
  const normal = (v: Partial<PageInput>) =>
    JSON.stringify(
      SCREENING_FIELDS.map((f) => (f === "sort" ? (v.sort ?? "id") : f === "suggestedDiffers" || f === "inDuplicateGroup" ? Boolean(v[f]) : (v[f] ?? null))),
    );
  return all.find((q) => normal(applyQueue(value, q.set)) === normal(value)) ?? null;
}

const two = (v: number) => v.toFixed(2);

/** What the grid cell says about the signal the grid is sorted by (null for the stable order). */
export function sortSignal(item: ReviewItem, sort: ReviewSort): { short: string; spoken: string } | null {
  switch (sort) {
    case "suspicious":
      return item.mislabelScore === null
        ? null
        : {
            short: item.suggestedLabel && item.suggestedLabel !== item.label ? `→ ${item.suggestedLabel.slice(0, 4)}` : two(item.mislabelScore),
            spoken: `suspicion ${two(item.mislabelScore)}${item.suggestedLabel && item.suggestedLabel !== item.label ? `, model suggests ${item.suggestedLabel}` : ""}`,
          };
    case "text":
      return item.ocrScore === null
        ? null
        : { short: two(item.ocrScore), spoken: `text score ${two(item.ocrScore)}${item.ocrText ? `, reads "${item.ocrText}"` : ""}` };
    case "least-face":
      return item.faceScore === null ? null : { short: two(item.faceScore), spoken: `face score ${two(item.faceScore)}, ${item.faceCount ?? 0} faces` };
    case "blurriest":
      return { short: item.blurScore.toFixed(0), spoken: `sharpness ${item.blurScore.toFixed(0)}` };
    case "flattest":
      return { short: item.contrast.toFixed(0), spoken: `contrast ${item.contrast.toFixed(0)}` };
    case "duplicates":
      return item.duplicateGroup
        ? {
            short: item.duplicateGroup === item.id ? "kept" : "dup",
            spoken: item.duplicateGroup === item.id ? `kept copy of ${item.duplicateCount}` : `duplicate, 1 of ${item.duplicateCount}`,
          }
        : null;
    default:
      return null;
  }
}

const percent = (p: number) => `${Math.round(p * 100)}%`;

/**
 * Why screening thinks the label is wrong, in words: "the model gives happiness 4% and surprise 81%;
 * images labelled happiness usually get ≥ 38%". Null when screening suggests no other label.
 */
export function mislabelReason(
  item: Pick<ReviewItem, "label" | "suggestedLabel" | "labelConfidence" | "suggestedConfidence" | "labelThreshold">,
): string | null {
  const { label, suggestedLabel, labelConfidence, suggestedConfidence, labelThreshold } = item;
  if (!suggestedLabel || suggestedLabel === label || labelConfidence === null) return null;
  const gives = `the model gives ${label} ${percent(labelConfidence)}${suggestedConfidence === null ? "" : ` and ${suggestedLabel} ${percent(suggestedConfidence)}`}`;
  return labelThreshold === null ? gives : `${gives}; images labelled ${label} usually get ≥ ${percent(labelThreshold)}`;
}

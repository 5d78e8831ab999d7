import type { RouterInputs, RouterOutputs } from "@mien/api";

/** The grid's filters: the page query's input without the cursor, which paging adds. */
export type PageInput = Omit<RouterInputs["review"]["page"], "cursor" | "limit">;
export type ReviewPage = RouterOutputs["review"]["page"];
export type ReviewItem = ReviewPage["items"][number];
export type MyDecision = NonNullable<ReviewItem["myDecision"]>;
export type FlagReason = MyDecision["flags"][number];
export type HistoryEntry = RouterOutputs["review"]["history"][number];

/** Single-key flags; mislabelled images get a digit (a relabel) instead. */
export const FLAG_KEYS: Readonly<Record<string, FlagReason>> = { u: "unclear", t: "text_overlay", f: "no_face", d: "duplicate" };

export const FLAG_TEXT: Readonly<Record<FlagReason, string>> = {
  unclear: "unclear",
  text_overlay: "text over the face",
  no_face: "no face",
  duplicate: "duplicate",
  mislabelled: "mislabelled",
};

export const SPLITS = [
  { value: "train", text: "Train" },
  { value: "val", text: "Validation" },
  { value: "test", text: "Test" },
  { value: "unassigned", text: "Unassigned" },
] as const;

/** Every key the review page answers to, as the help overlay lists them. */
export function keyHelp(classes: readonly string[]): { keys: string; does: string }[] {
  return [
    { keys: "← → ↑ ↓", does: "Move between images" },
    { keys: "n or j / p or k", does: "Next / previous image" },
    { keys: "Enter or a", does: "Accept the label" },
    ...classes.map((name, i) => ({ keys: String(i + 1), does: `Relabel as ${name}` })),
    { keys: "s", does: "Relabel as screening's suggestion (images it flags as mislabelled)" },
    { keys: "u", does: "Flag as unclear" },
    { keys: "t", does: "Flag: text over the face" },
    { keys: "f", does: "Flag: no face" },
    { keys: "d", does: "Flag as duplicate" },
    { keys: "z", does: "Undo your last decision on this image" },
    { keys: "x", does: "Select or unselect this image" },
    { keys: "b", does: "Flag every selected image (then choose a reason)" },
    { keys: "h", does: "Show or hide this image's history" },
    { keys: "?", does: "Show this help" },
    { keys: "Esc", does: "Close a dialog or panel" },
  ];
}

/** The label screening suggests instead of the image's own, or null when it suggests none. */
export function suggestionOf(item: Pick<ReviewItem, "label" | "suggestedLabel">): PageInput["label"] | null {
  return item.suggestedLabel && item.suggestedLabel !== item.label ? (item.suggestedLabel as PageInput["label"]) : null;
}

export const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** "flagged unclear, no face", "relabelled fear", "accepted", or "not reviewed". */
export function decisionText(decision: Pick<MyDecision, "kind" | "label" | "flags" | "suggestedLabel"> | null): string {
  if (!decision) return "not reviewed";
  if (decision.kind === "accept") return "accepted";
  if (decision.kind === "relabel") return `relabelled ${decision.label ?? "?"}`;
  const reasons = decision.flags.map((f) => FLAG_TEXT[f]).join(", ");
  return `flagged ${reasons}${decision.suggestedLabel ? ` (should be ${decision.suggestedLabel})` : ""}`;
}

/** An admin's ruling as the history shows it: "keep", "relabel fear", "remove", or "no ruling". */
export function resolutionText(r: { outcome: "accept" | "relabel" | "remove"; label: string | null; note: string | null } | null): string {
  if (!r) return "no ruling";
  const what = r.outcome === "accept" ? "keep" : r.outcome === "relabel" ? `relabel ${r.label ?? "?"}` : "remove";
  return r.note ? `${what} (“${r.note}”)` : what;
}

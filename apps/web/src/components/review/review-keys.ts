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

/** What a key asks the review grid to do. */
export type ReviewCommand =
  "help" | "close" | "next" | "previous" | "down" | "up" | "first" | "last" | "accept" | "suggest" | "undo" | "select" | "bulk" | "history";

/** What one key press means on the grid. */
export type KeyAction = { kind: "command"; command: ReviewCommand } | { kind: "relabel"; label: string } | { kind: "flag"; reason: FlagReason };

interface KeyRow {
  /** The line in the help overlay; rows without one are not listed. */
  help?: { keys: string; does: string };
  actions: Readonly<Record<string, KeyAction>>;
}

const run = (command: ReviewCommand): KeyAction => ({ kind: "command", command });

const FLAG_HELP: Readonly<Record<FlagReason, string>> = {
  unclear: "Flag as unclear",
  text_overlay: "Flag: text over the face",
  no_face: "Flag: no face",
  duplicate: "Flag as duplicate",
  mislabelled: "Flag as mislabelled",
};

/** The review page's keys, in the order the help overlay lists them: one table for the handler and the help. */
export function reviewKeyTable(classes: readonly string[]): KeyRow[] {
  return [
    {
      help: { keys: "← → ↑ ↓", does: "Move between images" },
      actions: { ArrowRight: run("next"), ArrowLeft: run("previous"), ArrowDown: run("down"), ArrowUp: run("up") },
    },
    { help: { keys: "n or j / p or k", does: "Next / previous image" }, actions: { n: run("next"), j: run("next"), p: run("previous"), k: run("previous") } },
    { actions: { Home: run("first"), End: run("last") } },
    { help: { keys: "Enter or a", does: "Accept the label" }, actions: { Enter: run("accept"), a: run("accept") } },
    ...classes
      .slice(0, 9)
      .map((label, i) => ({ help: { keys: String(i + 1), does: `Relabel as ${label}` }, actions: { [String(i + 1)]: { kind: "relabel", label } as const } })),
    { help: { keys: "s", does: "Relabel as screening's suggestion (images it flags as mislabelled)" }, actions: { s: run("suggest") } },
    ...Object.entries(FLAG_KEYS).map(([key, reason]) => ({
      help: { keys: key, does: FLAG_HELP[reason] },
      actions: { [key]: { kind: "flag", reason } as const },
    })),
    { help: { keys: "z", does: "Undo your last decision on this image" }, actions: { z: run("undo") } },
    { help: { keys: "x", does: "Select or unselect this image" }, actions: { x: run("select") } },
    { help: { keys: "b", does: "Flag every selected image (then choose a reason)" }, actions: { b: run("bulk") } },
    { help: { keys: "h", does: "Show or hide this image's history" }, actions: { h: run("history") } },
    { help: { keys: "?", does: "Show this help" }, actions: { "?": run("help") } },
    { help: { keys: "Esc", does: "Close a dialog or panel" }, actions: { Escape: run("close") } },
  ];
}

/** Every key the grid uses and what it means, built once per class list (the first row naming a key wins). */
export function keyActions(classes: readonly string[]): ReadonlyMap<string, KeyAction> {
  const actions = new Map<string, KeyAction>();
  for (const row of reviewKeyTable(classes)) {
    for (const [key, action] of Object.entries(row.actions)) if (!actions.has(key)) actions.set(key, action);
  }
  return actions;
}

/** What `key` means on the grid, or null for a key it does not use. */
export function keyAction(key: string, classes: readonly string[]): KeyAction | null {
  return keyActions(classes).get(key) ?? null;
}

const sameAction = (a: KeyAction, b: KeyAction): boolean =>
  a.kind === "command"
    ? b.kind === "command" && a.command === b.command
    : a.kind === "relabel"
      ? b.kind === "relabel" && a.label === b.label
      : b.kind === "flag" && a.reason === b.reason;

/** The single character that runs `action` (what a button shows as its shortcut), or null when no key does. */
export function shortcutOf(action: KeyAction, classes: readonly string[]): string | null {
  for (const [key, bound] of keyActions(classes)) if (key.length === 1 && sameAction(bound, action)) return key;
  return null;
}

/** Every key the review page answers to, as the help overlay lists them. */
export function keyHelp(classes: readonly string[]): { keys: string; does: string }[] {
  return reviewKeyTable(classes).flatMap((row) => (row.help ? [row.help] : []));
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

/** An admin's ruling as the history shows it, in the Resolved tab's words: "kept", "relabelled fear", "removed", or "no ruling". */
export function resolutionText(r: { outcome: "accept" | "relabel" | "remove"; label: string | null; note: string | null } | null): string {
  if (!r) return "no ruling";
  const what = r.outcome === "accept" ? "kept" : r.outcome === "relabel" ? `relabelled ${r.label ?? "?"}` : "removed";
  return r.note ? `${what} (“${r.note}”)` : what;
}

const number = new Intl.NumberFormat("en-US");

const REASONS: Record<string, string> = {
  removed: "removed by an admin",
  flagged: "flagged by curators",
  conflict: "unresolved conflicts",
  pending: "not yet reviewed enough",
  unassigned: "no split",
};
/** The reasons that are a plural noun, said in the singular for one image. */
const ONE: Record<string, string> = { conflict: "unresolved conflict" };

/** "12 flagged by curators, 3 unresolved conflicts", or "nothing". */
export function dropText(dropped: unknown, reviewedOnly: boolean): string {
  const counts = dropped && typeof dropped === "object" ? Object.entries(dropped as Record<string, number>).filter(([, n]) => n > 0) : [];
  const text = counts.length
    ? counts.map(([reason, n]) => `${number.format(n)} ${(n === 1 ? ONE[reason] : undefined) ?? REASONS[reason] ?? reason}`).join(", ")
    : "nothing";
  return reviewedOnly ? `${text} (reviewed only)` : text;
}

export const SPLIT_NAMES = [
  { key: "train", text: "Train" },
  { key: "val", text: "Validation" },
  { key: "test", text: "Test" },
] as const;

/** Thrown before anything is imported when labels are neither known spellings nor mapped with --map. */
export class UnknownLabelsError extends Error {
  readonly labels: string[];
  constructor(readonly counts: Record<string, number>) {
    const labels = Object.keys(counts).sort((a, b) => counts[b]! - counts[a]! || a.localeCompare(b));
    const list = labels.map((l) => `  ${JSON.stringify(l)} (${counts[l]} image${counts[l] === 1 ? "" : "s"})`).join("\n");
    super(
      `Unknown label${labels.length === 1 ? "" : "s"}; nothing was imported:\n${list}\n` +
        `Map each to a class with --map from=to (e.g. --map ${JSON.stringify(labels[0] ?? "label")}=neutral), or rename the folders / CSV values.`,
    );
    this.name = "UnknownLabelsError";
    this.labels = labels;
  }
}

/** The import root does not look like any layout we understand (or its CSV is unusable). */
export class LayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LayoutError";
  }
}

/** What each stage does, in the words the admin page uses. */
export const STAGE_TEXT: Readonly<Record<string, string>> = {
  duplicates: "Finding near-duplicates",
  faces: "Counting faces",
  ocr: "Reading text over the face",
  embeddings: "Embedding faces",
  mislabel: "Checking labels (confident learning)",
  flags: "Writing flags",
};

export const STATUS_TEXT: Readonly<Record<string, string>> = {
  queued: "Waiting for a screener",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
};

/** A one-line summary of what a finished stage found. */
export function stageNote(stage: string, detail: unknown): string {
  const d = (detail ?? {}) as Record<string, unknown>;
  if (stage === "duplicates" && typeof d.groups === "number") return `${d.groups} groups holding ${d.imagesInGroups} images`;
  if (stage === "mislabel" && typeof d.suspected === "number") return `${d.suspected} of ${d.images} labels look wrong`;
  if (stage === "flags" && d.flags && typeof d.flags === "object") {
    return Object.entries(d.flags as Record<string, number>)
      .map(([reason, n]) => `${reason.replace("_", " ")} ${n}`)
      .join(" · ");
  }
  const failures = (d.failures as unknown[] | undefined)?.length;
  return failures ? `${failures} images could not be read` : "";
}

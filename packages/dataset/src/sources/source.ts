import type { ExpressionClass } from "@mien/vocabulary/classes";

import type { ImportIssue, ImportLayout, SplitName } from "../types.ts";

/** One image to import, as a layout describes it. */
export interface SourceFile {
  abs: string;
  /** Relative to the import root, slash-separated; stored as Image.sourcePath. */
  rel: string;
  /** The label as the data set spells it (folder name or CSV cell). */
  rawLabel: string;
  label: ExpressionClass;
  split: SplitName | null;
  /** Paths from a CSV may be symlinks or missing; walked files are already known to be inside the root. */
  mustResolve: boolean;
  /** Where the file was named, for messages ("legend.csv line 12"). */
  origin?: string;
}

/** An issue found while listing, counting as `items` looked-at files or rows (several for repeated CSV rows). */
export type SourceItem = { file: SourceFile } | { issue: ImportIssue; items?: number };

export interface ImportSource {
  layout: ImportLayout;
  /** Number of files and rows `items()` will account for, for progress. */
  total: number;
  items(): AsyncIterable<SourceItem>;
}

import type { Db } from "@mien/db";
import type { Storage } from "@mien/storage";

export type ImportLayout = "class-folders" | "labels-csv";
export type SplitName = "train" | "val" | "test";

/** Why a file or CSV row was not imported. Each becomes an ImportIssue row and a line of the report. */
export type ImportIssueReason =
  | "not-an-image" // not JPEG/PNG/WebP/GIF/TIFF/AVIF content, whatever the file is called
  | "corrupt-image" // an image format, but the pixels do not decode (e.g. truncated)
  | "too-many-pixels" // header declares more pixels than maxPixels (decompression-bomb guard)
  | "too-wide-or-tall" // header declares a side over MAX_SIDE (e.g. 100000×50), refused before decoding
  | "outside-root" // a symlink or CSV path that leads outside the import folder
  | "missing-file" // a CSV row names a file that does not exist
  | "unlabelled-file" // an image with no CSV row, or not inside a class folder
  | "duplicate-row" // a CSV row repeats a file an earlier row already named
  | "bad-row" // a CSV row with an empty image or label cell, or the wrong number of cells
  | "unreadable"; // the file exists but cannot be read (permissions, a name that is not valid UTF-8…)

export interface ImportIssue {
  /** Path relative to the import root (CSV issues name the image path the row gave). */
  path: string;
  reason: ImportIssueReason;
  detail: string;
}

/** A file stored as a copy of an identical image: its own path, label and split are kept. */
export interface ImportCopy {
  path: string;
  label: string;
  split: SplitName | null;
  /** The stored image with the same bytes. */
  of: { path: string; label: string; split: SplitName | null };
}

export interface ImportProgress {
  seen: number;
  imported: number;
  /** Files identical to an image stored by this run, kept as linked copies (see ImageCopy). */
  copies: number;
  skipped: number;
  failed: number;
  total: number | null;
}

export interface ImportOptions {
  db: Db;
  storage: Storage;
  /** A folder (class folders or a labels CSV inside), or the labels CSV itself. */
  root: string;
  /** Extra label mappings, from → to canonical; keys are folded with labelKey(). */
  map?: Record<string, string>;
  startedById?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Images in flight at once (read, analysed, stored); default 4 × CPU cores. */
  concurrency?: number;
  /** Worker threads that decode and analyse images; default one per core from 500 files on, else 0 (main thread). */
  threads?: number;
  /** Refuse images whose header declares more pixels than this; default 40,000,000. */
  maxPixels?: number;
}

export interface ImportSummary {
  runId: string;
  layout: ImportLayout;
  /** Files and CSV rows looked at: seen = imported + copies + skipped + failed. */
  seen: number;
  /** New images stored by this run (including those stored before a resumed run was interrupted). */
  imported: number;
  /** Files of this run whose bytes equal an image it stored: kept as copies linked to that image. */
  copies: number;
  /** Content already in the library from an earlier import; not an issue. */
  skipped: number;
  /** Files and rows not imported; each is explained in `issues`. */
  failed: number;
  issues: ImportIssue[];
  /** Every copy stored by this run, with the image it repeats. */
  copyList: ImportCopy[];
  /** Images of this run by split, then by class. */
  bySplit: Record<string, Record<string, number>>;
  /** True when this call continued an interrupted run for the same root. */
  resumed: boolean;
}

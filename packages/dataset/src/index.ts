// The importer and the image signals it computes, shared by the CLI, the bench and (later) the admin UI.
export { runImport, prepareImport } from "./import/run-import.ts";
export { readSummary } from "./import/summary.ts";
export { assignMissingSplits } from "./import/splits.ts";
export { originalKey, thumbKey } from "./import/storage-keys.ts";
export { legendLabels } from "./layout/csv.ts";
export { detectLayout, type DetectedLayout } from "./layout/detect.ts";
export { splitFromFolder } from "./layout/splits.ts";
export { normalizeLabelMap, type LabelMap } from "./sources/labels.ts";
export type { ImportSource, SourceFile, SourceItem } from "./sources/source.ts";
export { UnknownLabelsError, LayoutError } from "./errors.ts";
export { analyseImage, ImageRejectedError, sha256Hex, THUMB_SIZE, DEFAULT_MAX_PIXELS, type ImageAnalysis } from "./image/analyse.ts";
export { phash, hammingDistance } from "./signals/phash.ts";
export { blurScore, BLUR_SIZE } from "./signals/blur.ts";
export { contrast } from "./signals/contrast.ts";
export { formatSummary, groupIssues } from "./report/format-summary.ts";
export { createProgressReporter, type ProgressReporter } from "./report/progress-reporter.ts";
export type { ImportCopy, ImportIssue, ImportIssueReason, ImportLayout, ImportOptions, ImportProgress, ImportSummary, SplitName } from "./types.ts";
export {
  buildManifest,
  classCounts,
  parseManifest,
  readManifest,
  snapshotManifestKey,
  SnapshotManifestError,
  writeManifest,
  type SnapshotEntry,
  type SnapshotManifest,
  type SnapshotSplit,
} from "./snapshot/manifest.ts";
export { cropHashes, CROP_VARIANTS } from "./signals/phash.ts";

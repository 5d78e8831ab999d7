// Automatic screening: per-image signals, near-duplicate groups, mislabel suspicion, and the run that computes them.
export { THRESHOLDS, type Thresholds } from "./thresholds.ts";
export { unclearCauses, type UnclearCause } from "./blur.ts";
export { correlation, groupsOf, pairsWithin, splitHashes } from "./duplicates.ts";
export { FaceCounter, type FaceCount } from "./faces.ts";
export { readingOf, TextReader, type TextReading } from "./ocr.ts";
export { Embedder, SCREENING_BACKBONE } from "./embeddings.ts";
export { confidentLearning, outOfFoldProbabilities } from "./mislabel.ts";
export { runPercent, screeningOptions, STAGE_WEIGHTS, type ScreeningOptions, type ScreeningOptionsInput } from "./options.ts";
export { runScreening, type RunDeps } from "./run/run-screening.ts";
export { ScreeningOptionsError, startScreening, type StartResult } from "./run/start-run.ts";
export { screeningStatus, type ScreeningRunStatus, type ScreeningStageStatus } from "./run/status.ts";
export { SCREENING_SOURCE } from "./stages/flags-stage.ts";
export { ScreeningInterrupted } from "./stages/context.ts";
export { startScreener, type Screener, type ScreenerOptions } from "./worker.ts";

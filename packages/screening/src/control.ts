// Starting runs and reading their progress, without the models: safe for the API and the web server to import.
export { runPercent, screeningOptions, STAGE_WEIGHTS, type ScreeningOptions, type ScreeningOptionsInput } from "./options.ts";
export { ScreeningOptionsError, startScreening, type StartResult } from "./run/start-run.ts";
export { screeningStatus, type ScreeningRunStatus, type ScreeningStageStatus } from "./run/status.ts";
export { THRESHOLDS, type Thresholds } from "./thresholds.ts";
export { shippedScorecard, type Scorecard } from "./scorecard.ts";

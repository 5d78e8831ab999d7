export { clearProgress, saveAttempt } from "./attempts.ts";
export { PROGRESS_LIMIT, progressOf, type ExpressionProgress, type ProgressPoint } from "./progress.ts";
export { practiceAttemptInput, saveAttemptInput, type PracticeAttemptInput, type ReadAsEntry, type SaveAttemptInput } from "./schemas.ts";

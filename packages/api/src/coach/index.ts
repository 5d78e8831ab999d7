export { clearProgress, saveAttempt, type SavedAttempt } from "./attempts.ts";
export { planOf, practicePlanInput, setPlan, type PracticePlanInput, type PracticePlanView } from "./plan.ts";
export { PROGRESS_LIMIT, progressOf, type ExpressionProgress, type ProgressPoint } from "./progress.ts";
export { MAX_QUEUED_AGE_MS, practiceAttemptInput, saveAttemptInput, type PracticeAttemptInput, type ReadAsEntry, type SaveAttemptInput } from "./schemas.ts";
export { practiceSummary, streakLength, timeZoneInput, type PlanTargetStatus, type PracticeSummary } from "./summary.ts";

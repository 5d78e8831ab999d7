export { appRouter, createCaller, type AppRouter } from "./root.ts";
export { createContext, procedurePolicy, type ApiSession, type Context, type Meta, type ProcedurePolicy, type ProcedureRole } from "./trpc.ts";
export type { ClassCounts, SplitCounts } from "./routers/dataset.ts";
export { FLAG_REASONS, PAGE_SIZE, REVIEW_ACTIONS, type DecisionState, type FlagReasonName, type HistoryEntry, type ReviewImage } from "./review/index.ts";
export { exportSnapshot, EXPORT_FORMATS, SnapshotExportError, snapshotStorage, type ExportFormat } from "./snapshots/index.ts";
export { useTrainingQueue } from "./routers/training.ts";
export { startTraining, cancelTraining, retryTraining, getTrainingJob, listTrainingJobs } from "./training/index.ts";
export { practiceAttemptInput, saveAttemptInput, type ExpressionProgress, type PracticeAttemptInput, type ProgressPoint, type ReadAsEntry } from "./coach/index.ts";

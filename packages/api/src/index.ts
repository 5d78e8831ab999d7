export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from "./root.ts";
export {
  createContext,
  createHTTPServer,
  fetchRequestHandler,
  procedurePolicy,
  type ApiSession,
  type Context,
  type Meta,
  type ProcedurePolicy,
  type ProcedureRelation,
  type ProcedureRole,
} from "./trpc.ts";
export type { ClassCounts, SplitCounts } from "./routers/dataset.ts";
export { FLAG_REASONS, PAGE_SIZE, REVIEW_ACTIONS, type DecisionState, type FlagReasonName, type HistoryEntry, type ReviewImage } from "./review/index.ts";
export { exportSnapshot, EXPORT_FORMATS, SnapshotExportError, snapshotStorage, type ExportFormat } from "./snapshots/index.ts";
export { closeProcessQueues, type ApiQueues } from "./queues.ts";
export { startTraining, cancelTraining, retryTraining, getTrainingJob, listTrainingJobs } from "./training/index.ts";
export {
  MAX_QUEUED_AGE_MS,
  practiceAttemptInput,
  practicePlanInput,
  saveAttemptInput,
  type ExpressionProgress,
  type PlanTargetStatus,
  type PracticeAttemptInput,
  type PracticePlanInput,
  type PracticePlanView,
  type PracticeSummary,
  type ProgressPoint,
  type ReadAsEntry,
  type SaveAttemptInput,
  type SavedAttempt,
} from "./coach/index.ts";
export {
  CODE_LENGTH,
  INVITATION_TTL_MS,
  type LearnerView,
  type MentorEntry,
  type MentorExpression,
  type MentorPoint,
  type OpenInvitation,
} from "./mentors/index.ts";

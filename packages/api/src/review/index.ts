export { bulkFlag, decide, undo } from "./decide.ts";
export { imageHistory, type HistoryEntry } from "./history.ts";
export { PAGE_SIZE, pageInput, reviewPage, type ReviewImage } from "./page.ts";
export { REVIEW_SORTS, type ReviewSort } from "./signals.ts";
export { bulkFlagInput, decideInput, FLAG_REASONS, imageInput, REVIEW_ACTIONS, type DecisionState, type FlagReasonName } from "./state.ts";
export {
  conflictsInput,
  DEFAULT_REVIEWS_REQUIRED,
  effectiveStatus,
  listConflicts,
  outcomeOf,
  reviewsRequired,
  reviewsRequiredSchema,
  setReviewsRequired,
  type EffectiveStatus,
  type ResolutionOutcome,
} from "./consensus.ts";
export { resolve, resolveInput, RESOLVE_ACTION, type ResolutionState } from "./resolve.ts";
export { agreement, type Agreement, type AgreementRow } from "./agreement.ts";
export { fleissKappa, type Kappa } from "./fleiss-kappa.ts";

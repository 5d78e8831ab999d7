export { bulkFlag, decide, undo } from "./decide.ts";
export { imageHistory, type HistoryEntry } from "./history.ts";
export { PAGE_SIZE, pageInput, REVIEW_SORTS, reviewPage, type ReviewImage } from "./page.ts";
export { bulkFlagInput, decideInput, FLAG_REASONS, imageInput, REVIEW_ACTIONS, type DecisionState, type FlagReasonName } from "./state.ts";
export {
  conflictsInput,
  DEFAULT_REVIEWS_REQUIRED,
  effectiveStatus,
  listConflicts,
  reviewsRequired,
  reviewsRequiredSchema,
  setReviewsRequired,
  type EffectiveStatus,
} from "./consensus.ts";

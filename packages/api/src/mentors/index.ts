export { CODE_LENGTH, invitationCodeHash, newInvitationCode, normaliseInvitationCode } from "./code.ts";
export { endGrant, sharingOverview, type MentorEntry, type OpenInvitation } from "./grants.ts";
export {
  createInvitation,
  INVITATION_TTL_MS,
  MAX_OPEN_INVITATIONS,
  REDEEM_ACCOUNT_LIMIT,
  redeemInvitation,
  withdrawInvitation,
  type RedeemLimits,
} from "./invitations.ts";
export { learnerProgress, learnersOf, type LearnerView, type MentorExpression, type MentorPoint } from "./view.ts";

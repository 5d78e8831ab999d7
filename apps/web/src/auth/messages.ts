/** What Better Auth's client returns on failure. */
export interface AuthFailure {
  status?: number;
  code?: string | undefined;
  message?: string | undefined;
}

const BY_CODE: Record<string, string> = {
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account. Check both and try again.",
  INVALID_EMAIL: "That does not look like an email address. Check it and try again.",
  PASSWORD_TOO_SHORT: "The password is too short: use at least 8 characters.",
  PASSWORD_TOO_LONG: "The password is too long: use at most 128 characters.",
  USER_ALREADY_EXISTS: "An account with this email already exists. Sign in instead.",
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "An account with this email already exists. Sign in instead.",
};

/** Turns an auth failure into a sentence that says what happened and what to do. */
export function authErrorMessage(error: AuthFailure): string {
  if (error.status === 429) return "Too many attempts from this address. Wait a minute, then try again.";
  if (error.code && BY_CODE[error.code]) return BY_CODE[error.code]!;
  if (error.status === 0 || error.status === undefined) {
    return "Mien could not be reached. Check your connection and try again.";
  }
  if (error.status >= 500) return "Something went wrong on our side. Try again in a moment.";
  return error.message ? `${error.message}. Check your details and try again.` : "That did not work. Check your details and try again.";
}

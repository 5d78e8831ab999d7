/**
 * What went wrong, in the domain's words. Domain code (review, snapshots, training, the registry,
 * screening, …) throws `AppError`; each transport maps the code once: tRPC in
 * packages/api/src/trpc.ts, the CLI by printing the message. The names follow the HTTP meanings
 * they map to, so a reader of either side recognises them.
 */
export const APP_ERROR_CODES = [
  /** The input is wrong; the message says which part and how to fix it. */
  "BAD_REQUEST",
  /** No one is signed in. */
  "UNAUTHORIZED",
  /** Signed in, but not allowed to do this. */
  "FORBIDDEN",
  /** The thing named does not exist (any more). */
  "NOT_FOUND",
  /** Someone else changed it meanwhile; reload and try again. */
  "CONFLICT",
  /** It exists, but is not in a state that allows this (e.g. cancelling a finished job). */
  "PRECONDITION_FAILED",
  /** Too many attempts; wait, then try again. */
  "TOO_MANY_REQUESTS",
  /** A service this needs (Redis, the queue) did not answer. */
  "SERVICE_UNAVAILABLE",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Used only outside production so `pnpm dev` and tests work without setup. Never valid in production. */
export const DEV_ONLY_AUTH_SECRET = "mien-dev-only-secret-never-use-in-production-0123456789";

let warned = false;

/** The session-signing secret: BETTER_AUTH_SECRET (or the file `pnpm start` keeps it in, see @mien/env), which production must have. */
export function resolveAuthSecret(env: { NODE_ENV?: string | undefined; BETTER_AUTH_SECRET?: string | undefined }): string {
  const secret = env.BETTER_AUTH_SECRET?.trim();
  if (secret) {
    if (secret.length < 32) {
      throw new Error("BETTER_AUTH_SECRET is shorter than 32 characters. Generate one with: openssl rand -base64 32");
    }
    return secret;
  }
  if (env.NODE_ENV === "production") {
    throw new Error(
      "BETTER_AUTH_SECRET is not set. Production needs it to sign sessions: generate one with `openssl rand -base64 32` " +
        "and export it (`pnpm start` keeps one in .data/auth-secret).",
    );
  }
  if (!warned && env.NODE_ENV !== "test") {
    console.warn("mien auth: BETTER_AUTH_SECRET is not set; using a development-only secret. Set it before deploying.");
    warned = true;
  }
  return DEV_ONLY_AUTH_SECRET;
}

import { getDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";

import { createAuth, type Auth, type Session } from "./auth.ts";
import { resolveAuthSecret } from "./secret.ts";

const globalForAuth = globalThis as unknown as { mienAuth?: Auth };

/** The process-wide Better Auth instance, created on first use from the environment. */
export function getAuth(): Auth {
  if (!globalForAuth.mienAuth) {
    const env = loadServerEnv();
    globalForAuth.mienAuth = createAuth({
      db: getDb(),
      secret: resolveAuthSecret(env),
      baseURL: env.MIEN_BASE_URL,
      production: env.NODE_ENV === "production",
      signInLimit: env.MIEN_SIGN_IN_LIMIT,
      signUpLimit: env.MIEN_SIGN_UP_LIMIT,
    });
  }
  return globalForAuth.mienAuth;
}

/**
 * `auth`, resolved lazily: importing this module (as `next build` does) must not
 * need DATABASE_URL or BETTER_AUTH_SECRET; the first real use does.
 */
export const auth: Auth = new Proxy({} as Auth, {
  get: (_target, key) => Reflect.get(getAuth(), key),
  has: (_target, key) => Reflect.has(getAuth(), key),
});

/** The signed-in session for these request headers (cookie), or null. */
export async function getSession(headers: Headers, instance: Auth = getAuth()): Promise<Session | null> {
  return instance.api.getSession({ headers });
}

import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
// The minimal entry point leaves out Kysely (which declares node>=22); Prisma is our only adapter.
import { betterAuth } from "better-auth/minimal";

import type { Db } from "@mien/db";

import { createAttemptLimit } from "./attempt-limit.ts";
import { ROLES } from "./roles.ts";

export interface AuthConfig {
  db: Db;
  secret: string;
  /** Public origin of the web app, e.g. http://localhost:3000 (MIEN_BASE_URL). */
  baseURL: string;
  /** Production forces Secure cookies whatever the base URL says. */
  production: boolean;
  /** Sign-in attempts per client address and window; defaults to SIGN_IN_LIMIT. */
  signInLimit?: { window: number; max: number };
  /** New accounts per client address and window; defaults to SIGN_UP_LIMIT. */
  signUpLimit?: { window: number; max: number };
}

/** Sign-in attempts allowed per client IP and window (seconds). */
export const SIGN_IN_LIMIT = { window: 60, max: 10 } as const;
/** New accounts allowed per client IP and window (Better Auth's own default, made explicit and settable). */
export const SIGN_UP_LIMIT = { window: 10, max: 3 } as const;
/** Sign-in attempts allowed per account (email) and window, whatever the IP claims to be. */
export const SIGN_IN_ACCOUNT_LIMIT = { window: 300, max: 20 } as const;

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** A local install is reachable as localhost and 127.0.0.1 alike; trust both so sign-in works from either. */
function trustedOriginsFor(baseURL: string): string[] {
  const url = new URL(baseURL);
  if (!LOOPBACK_HOSTS.includes(url.hostname)) return [url.origin];
  return LOOPBACK_HOSTS.map((host) => `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`);
}

export function createAuth(config: AuthConfig) {
  const accountAttempts = createAttemptLimit(config.db, SIGN_IN_ACCOUNT_LIMIT);
  return betterAuth({
    appName: "Mien",
    baseURL: config.baseURL,
    secret: config.secret,
    trustedOrigins: trustedOriginsFor(config.baseURL),
    database: prismaAdapter(config.db, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
    },
    user: {
      additionalFields: {
        // input: false means no sign-up or update request can choose a role; only server code sets it.
        role: { type: [...ROLES], required: true, defaultValue: "user", input: false },
      },
    },
    rateLimit: {
      // Better Auth only enables it in production by default; we want it everywhere.
      enabled: true,
      // In PostgreSQL (the rate_limit table), so every web process counts against one limit.
      storage: "database",
      customRules: {
        "/sign-in/email": config.signInLimit ?? SIGN_IN_LIMIT,
        "/sign-up/email": config.signUpLimit ?? SIGN_UP_LIMIT,
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/email") return;
        const email = String((ctx.body as { email?: unknown } | undefined)?.email ?? "")
          .trim()
          .toLowerCase();
        if (!(await accountAttempts.consume(email))) {
          throw new APIError("TOO_MANY_REQUESTS", {
            message: "Too many sign-in attempts for this account. Wait a few minutes, then try again.",
          });
        }
      }),
    },
    advanced: {
      useSecureCookies: config.production,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type Session = Auth["$Infer"]["Session"];

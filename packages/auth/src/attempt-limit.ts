import type { Db } from "@mien/db";

/**
 * Fixed-window counter per key, in PostgreSQL, so every web process counts against one limit.
 * Better Auth limits sign-in per client IP, but the IP comes from X-Forwarded-For, which a client
 * can forge when the app is not behind a proxy that overwrites it; limiting per account as well
 * closes that gap.
 */
export function createAttemptLimit(db: Db, rule: { window: number; max: number }, now: () => number = Date.now) {
  return {
    /** Records one attempt; false when `key` has used up its attempts for this window. */
    async consume(key: string): Promise<boolean> {
      const at = new Date(now());
      const windowStart = new Date(at.getTime() - rule.window * 1000);
      // One statement: concurrent attempts from several processes each get their own count.
      const [row] = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO sign_in_attempt (account, count, "windowStart") VALUES (${key}, 1, ${at})
        ON CONFLICT (account) DO UPDATE SET
          count = CASE WHEN sign_in_attempt."windowStart" <= ${windowStart} THEN 1 ELSE sign_in_attempt.count + 1 END,
          "windowStart" = CASE WHEN sign_in_attempt."windowStart" <= ${windowStart} THEN ${at} ELSE sign_in_attempt."windowStart" END
        RETURNING count`;
      return row!.count <= rule.max;
    },
  };
}

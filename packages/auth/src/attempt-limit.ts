import { Prisma, type Db } from "@mien/db";

/** The tables that hold attempt counters: one row per key and window (see schema.prisma). */
const COUNTERS = {
  /** Sign-in attempts per account (email). */
  signIn: { table: Prisma.raw("sign_in_attempt"), key: Prisma.raw(`"account"`) },
  /** Mentor-invitation redeem attempts per account and per client address. */
  invitationRedeem: { table: Prisma.raw("invitation_redeem_attempt"), key: Prisma.raw(`"key"`) },
} as const;

export type AttemptCounter = keyof typeof COUNTERS;

/**
 * Fixed-window counter per key, in PostgreSQL, so every web process counts against one limit.
 * Better Auth limits sign-in per client IP, but the IP comes from X-Forwarded-For, which a client
 * can forge when the app is not behind a proxy that overwrites it; limiting per account as well
 * closes that gap.
 */
export function createAttemptLimit(db: Db, rule: { window: number; max: number }, now: () => number = Date.now, counter: AttemptCounter = "signIn") {
  const { table, key: column } = COUNTERS[counter];
  return {
    /** Records one attempt; false when `key` has used up its attempts for this window. */
    async consume(key: string): Promise<boolean> {
      const at = new Date(now());
      const windowStart = new Date(at.getTime() - rule.window * 1000);
      // One statement: concurrent attempts from several processes each get their own count.
      const [row] = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO ${table} (${column}, count, "windowStart") VALUES (${key}, 1, ${at})
        ON CONFLICT (${column}) DO UPDATE SET
          count = CASE WHEN ${table}."windowStart" <= ${windowStart} THEN 1 ELSE ${table}.count + 1 END,
          "windowStart" = CASE WHEN ${table}."windowStart" <= ${windowStart} THEN ${at} ELSE ${table}."windowStart" END
        RETURNING count`;
      return row!.count <= rule.max;
    },
  };
}

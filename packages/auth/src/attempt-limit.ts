/**
 * Fixed-window counter per key, in memory. Better Auth limits sign-in per client IP,
 * but the IP comes from X-Forwarded-For, which a client can forge when the app is not
 * behind a proxy that overwrites it; limiting per account as well closes that gap.
 */
export function createAttemptLimit(rule: { window: number; max: number }, now: () => number = Date.now) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return {
    /** Records one attempt; false when `key` has used up its attempts for this window. */
    consume(key: string): boolean {
      const t = now();
      if (windows.size > 10_000) for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      const w = windows.get(key);
      if (!w || w.resetAt <= t) {
        windows.set(key, { count: 1, resetAt: t + rule.window * 1000 });
        return true;
      }
      if (w.count >= rule.max) return false;
      w.count += 1;
      return true;
    },
  };
}

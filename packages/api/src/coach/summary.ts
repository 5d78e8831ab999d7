import { z } from "zod";

import type { Db } from "@mien/db";
import type { ExpressionClass } from "@mien/model";

import type { PracticePlanView } from "./plan.ts";

/** True when the runtime (and so PostgreSQL's tz database, which follows IANA too) knows this zone. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The viewer's IANA time zone (the browser's), in which days, "today" and streaks are counted. */
export const timeZoneInput = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, "Send an IANA time zone name such as Europe/Paris.")
  .refine(isTimeZone, "Unknown time zone: send the browser's own, e.g. Europe/Paris.");

export interface PlanTargetStatus {
  expression: ExpressionClass;
  attemptsToday: number;
  /** Held today for at least the plan's hold time. */
  heldToday: boolean;
  attemptsLast7Days: number;
  bestLast7Days: number | null;
}

export interface PracticeSummary {
  timeZone: string;
  /** Today in `timeZone`, as YYYY-MM-DD. */
  today: string;
  practisedToday: boolean;
  /** Consecutive days with practice, ending today, or yesterday when today has none yet. */
  streakDays: number;
  /** Coach sessions (visits to the coach) with at least one attempt, today and the 6 days before. */
  sessionsLast7Days: number;
  attemptsLast7Days: number;
  lastPractisedAt: Date | null;
  /** How the plan is going, when there is one. */
  plan: { sessionsGoal: number; holdMs: number; targets: PlanTargetStatus[] } | null;
}

/** YYYY-MM-DD minus `days` (calendar arithmetic, no time zone involved). */
function daysBefore(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/** Length of the run of consecutive days in `days` (distinct, newest first) that ends today or yesterday. */
export function streakLength(days: readonly string[], today: string): number {
  const set = new Set(days);
  let day = set.has(today) ? today : daysBefore(today, 1);
  let n = 0;
  while (set.has(day)) {
    n++;
    day = daysBefore(day, 1);
  }
  return n;
}

/**
 * Sessions, streak and the plan's progress of `userId`, with days counted in `timeZone`.
 * `practice_attempt."createdAt"` holds UTC without a zone, hence `AT TIME ZONE 'UTC'` first.
 */
export async function practiceSummary(db: Db, userId: string, timeZone: string, plan: PracticePlanView | null): Promise<PracticeSummary> {
  const [{ today }] = (await db.$queryRaw<{ today: string }[]>`SELECT (now() AT TIME ZONE ${timeZone})::date::text AS today`) as [{ today: string }];
  const since = daysBefore(today, 6);
  const recent = await db.$queryRaw<{ sessionId: string; target: ExpressionClass; score: number; succeeded: boolean; holdMs: number; day: string }[]>`
    SELECT "sessionId"::text AS "sessionId", target, score, succeeded, "holdMs",
           (("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date::text AS day
      FROM practice_attempt
     WHERE "userId" = ${userId} AND "createdAt" >= (now() AT TIME ZONE 'UTC') - interval '8 days'`;
  const week = recent.filter((r) => r.day >= since && r.day <= today);
  // A streak is looked for over the last 400 days.
  const days = await db.$queryRaw<{ day: string }[]>`
    SELECT DISTINCT ((("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date)::text AS day
      FROM practice_attempt
     WHERE "userId" = ${userId} AND "createdAt" >= (now() AT TIME ZONE 'UTC') - interval '400 days'
     ORDER BY day DESC`;
  const last = await db.practiceAttempt.findFirst({ where: { userId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });

  return {
    timeZone,
    today,
    practisedToday: week.some((r) => r.day === today),
    streakDays: streakLength(
      days.map((d) => d.day),
      today,
    ),
    sessionsLast7Days: new Set(week.map((r) => r.sessionId)).size,
    attemptsLast7Days: week.length,
    lastPractisedAt: last?.createdAt ?? null,
    plan: plan && {
      sessionsGoal: plan.sessionsPerWeek,
      holdMs: plan.holdMs,
      targets: plan.targets.map((expression) => {
        const mine = week.filter((r) => r.target === expression);
        const todays = mine.filter((r) => r.day === today);
        return {
          expression,
          attemptsToday: todays.length,
          heldToday: todays.some((r) => r.succeeded && r.holdMs >= plan.holdMs),
          attemptsLast7Days: mine.length,
          bestLast7Days: mine.length ? Math.max(...mine.map((r) => r.score)) : null,
        };
      }),
    },
  };
}

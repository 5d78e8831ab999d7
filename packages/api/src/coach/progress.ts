import type { Db } from "@mien/db";
import { EXPRESSION_CLASSES, type ExpressionClass } from "@mien/model";

import { readAsEntry, type ReadAsEntry } from "./schemas.ts";

export interface ProgressPoint {
  id: string;
  at: Date;
  score: number;
  succeeded: boolean;
  calibrated: boolean;
  readAs: ReadAsEntry[];
}

export interface ExpressionProgress {
  expression: ExpressionClass;
  attempts: ProgressPoint[];
  best: number;
  latest: number;
  /** Mean of the last three scores minus the mean of the first three (null under four attempts). */
  trend: number | null;
}

/** How many recent attempts per expression the chart shows. */
export const PROGRESS_LIMIT = 200;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One user's practice history, per expression in canonical order, oldest attempt first. */
export async function progressOf(db: Db, userId: string): Promise<ExpressionProgress[]> {
  const out: ExpressionProgress[] = [];
  for (const expression of EXPRESSION_CLASSES) {
    const rows = await db.practiceAttempt.findMany({
      where: { userId, target: expression },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: PROGRESS_LIMIT,
      select: { id: true, createdAt: true, score: true, succeeded: true, calibrated: true, readAs: true },
    });
    if (rows.length === 0) continue;
    const attempts = rows.reverse().map((r) => ({
      id: r.id,
      at: r.createdAt,
      score: r.score,
      succeeded: r.succeeded,
      calibrated: r.calibrated,
      readAs: readAsEntry.array().catch([]).parse(r.readAs),
    }));
    const scores = attempts.map((a) => a.score);
    out.push({
      expression,
      attempts,
      best: Math.max(...scores),
      latest: scores.at(-1)!,
      trend: scores.length >= 4 ? Math.round(mean(scores.slice(-3)) - mean(scores.slice(0, 3))) : null,
    });
  }
  return out;
}

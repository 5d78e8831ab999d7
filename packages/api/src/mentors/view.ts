import { audit, type Db } from "@mien/db";
import type { ExpressionClass } from "@mien/model";

import { planOf, type PracticePlanView } from "../coach/plan.ts";
import { progressOf } from "../coach/progress.ts";
import { practiceSummary, type PracticeSummary } from "../coach/summary.ts";

/**
 * What a mentor sees of one attempt: its time, score and whether it was held. Never an image, a
 * frame or class probabilities (none are stored, and the attempt's read-as shares stay with the
 * learner).
 */
export interface MentorPoint {
  id: string;
  at: Date;
  score: number;
  succeeded: boolean;
}

export interface MentorExpression {
  expression: ExpressionClass;
  /** Oldest first; empty in the list of learners, which shows only the figures below. */
  attempts: MentorPoint[];
  count: number;
  best: number;
  latest: number;
  trend: number | null;
}

export interface LearnerView {
  learner: { id: string; name: string; email: string };
  /** When the learner's invitation was accepted. */
  since: Date;
  plan: PracticePlanView | null;
  summary: PracticeSummary;
  expressions: MentorExpression[];
}

/** Writes one mentor.view row: every look at a learner's practice is on the record. */
async function auditView(db: Db, mentorId: string, grantId: string, userId: string, view: "list" | "progress"): Promise<void> {
  await audit(db, { actorId: mentorId, action: "mentor.view", entityType: "mentor_grant", entityId: grantId, after: { userId, view } });
}

async function learnerView(
  db: Db,
  grant: { id: string; grantedAt: Date; user: { id: string; name: string; email: string } },
  timeZone: string,
  withAttempts: boolean,
): Promise<LearnerView> {
  const plan = await planOf(db, grant.user.id);
  const [summary, progress] = await Promise.all([practiceSummary(db, grant.user.id, timeZone, plan), progressOf(db, grant.user.id)]);
  return {
    learner: grant.user,
    since: grant.grantedAt,
    plan,
    summary,
    expressions: progress.map((p) => ({
      expression: p.expression,
      attempts: withAttempts ? p.attempts.map((a) => ({ id: a.id, at: a.at, score: a.score, succeeded: a.succeeded })) : [],
      count: p.attempts.length,
      best: p.best,
      latest: p.latest,
      trend: p.trend,
    })),
  };
}

/** Everyone who shares their practice with `mentorId`, each with plan and results (no attempt lists). */
export async function learnersOf(db: Db, mentorId: string, timeZone: string): Promise<LearnerView[]> {
  const grants = await db.mentorGrant.findMany({
    where: { mentorId, revokedAt: null },
    orderBy: { grantedAt: "asc" },
    select: { id: true, grantedAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  const views: LearnerView[] = [];
  for (const grant of grants) {
    views.push(await learnerView(db, grant, timeZone, false));
    await auditView(db, mentorId, grant.id, grant.user.id, "list");
  }
  return views;
}

/** One learner's practice as their mentor sees it: plan, sessions, streak and every score. */
export async function learnerProgress(db: Db, input: { mentorId: string; grantId: string; timeZone: string }): Promise<LearnerView> {
  const grant = await db.mentorGrant.findUniqueOrThrow({
    where: { id: input.grantId },
    select: { id: true, grantedAt: true, user: { select: { id: true, name: true, email: true } } },
  });
  const view = await learnerView(db, grant, input.timeZone, true);
  await auditView(db, input.mentorId, grant.id, grant.user.id, "progress");
  return view;
}

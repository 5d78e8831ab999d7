import { z } from "zod";

import { audit, type Db } from "@mien/db";
import { EXPRESSION_CLASSES, type ExpressionClass } from "@mien/model";

/** A practice plan as the learner or a mentor sets it. */
export const practicePlanInput = z
  .object({
    targets: z
      .array(z.enum(EXPRESSION_CLASSES))
      .min(1, "Pick at least one expression to practise.")
      .max(EXPRESSION_CLASSES.length)
      .refine((targets) => new Set(targets).size === targets.length, "List each expression once."),
    holdMs: z.number().int().min(500).max(30_000),
    sessionsPerWeek: z.number().int().min(1).max(21),
  })
  .strict();

export type PracticePlanInput = z.infer<typeof practicePlanInput>;

export interface PracticePlanView {
  targets: ExpressionClass[];
  holdMs: number;
  sessionsPerWeek: number;
  /** Who set it last (the learner or one of their mentors); null when that account is gone. */
  setBy: { id: string; name: string } | null;
  updatedAt: Date;
}

const isExpression = (value: string): value is ExpressionClass => (EXPRESSION_CLASSES as readonly string[]).includes(value);

/** The plan of `userId`, or null when none is set. */
export async function planOf(db: Db, userId: string): Promise<PracticePlanView | null> {
  const row = await db.practicePlan.findUnique({
    where: { userId },
    select: { targets: true, holdMs: true, sessionsPerWeek: true, updatedAt: true, setBy: { select: { id: true, name: true } } },
  });
  if (!row) return null;
  // Classes are checked on the way in; a class since removed from the taxonomy is left out.
  return { targets: row.targets.filter(isExpression), holdMs: row.holdMs, sessionsPerWeek: row.sessionsPerWeek, setBy: row.setBy, updatedAt: row.updatedAt };
}

/**
 * Sets (or, with null, removes) the plan of `userId` on behalf of `actorId`, who is that user or
 * one of their mentors (the caller checks which). The change is audited in the same transaction.
 */
export async function setPlan(db: Db, input: { userId: string; actorId: string; plan: PracticePlanInput | null }): Promise<PracticePlanView | null> {
  const { userId, actorId, plan } = input;
  await db.$transaction(async (tx) => {
    const before = await tx.practicePlan.findUnique({ where: { userId }, select: { targets: true, holdMs: true, sessionsPerWeek: true, setById: true } });
    if (plan) {
      await tx.practicePlan.upsert({ where: { userId }, create: { userId, ...plan, setById: actorId }, update: { ...plan, setById: actorId } });
    } else if (before) {
      await tx.practicePlan.delete({ where: { userId } });
    }
    await audit(tx, {
      actorId,
      action: plan ? "plan.set" : "plan.clear",
      entityType: "practice_plan",
      entityId: userId,
      ...(before ? { before } : {}),
      ...(plan ? { after: { ...plan, setById: actorId } } : {}),
    });
  });
  return planOf(db, userId);
}

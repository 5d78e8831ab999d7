import type { Prisma } from "./generated/prisma/client.ts";

/**
 * Every action the append-only audit log records, by what it touched. The audit page and each
 * person's activity read these strings back, so they are part of the stored format: add new ones,
 * never rename.
 */
export const AUDIT_ACTIONS = {
  image: ["review.decide", "review.bulk_flag", "review.undo", "review.resolve"],
  user: ["user.create", "user.set_role"],
  setting: ["settings.set"],
  snapshot: ["snapshot.create"],
  training_job: ["training.start", "training.cancel", "training.retry"],
  model_alias: ["model.promote", "model.bootstrap", "model.rollback"],
  eval_set: ["evalset.pin"],
  mentor_invitation: ["mentor.invite", "mentor.invite.withdraw"],
  mentor_grant: ["mentor.grant", "mentor.view", "mentor.revoke"],
  practice_plan: ["plan.set", "plan.clear"],
} as const;

export type AuditEntityType = keyof typeof AUDIT_ACTIONS;
export type AuditAction = (typeof AUDIT_ACTIONS)[AuditEntityType][number];

/** One audit row: the action must be one recorded for its entity type. */
export type AuditEntry = {
  [E in AuditEntityType]: {
    entityType: E;
    action: (typeof AUDIT_ACTIONS)[E][number];
    entityId: string;
    /** Who did it; null for the system (bootstrap, the command line). */
    actorId: string | null;
    imageId?: string;
    before?: Prisma.InputJsonValue | Prisma.NullableJsonNullValueInput;
    after?: Prisma.InputJsonValue | Prisma.NullableJsonNullValueInput;
  };
}[AuditEntityType];

type AuditClient = Pick<Prisma.TransactionClient, "auditLog">;

const row = ({ actorId, action, entityType, entityId, imageId, before, after }: AuditEntry): Prisma.AuditLogUncheckedCreateInput => ({
  actorId,
  action,
  entityType,
  entityId,
  ...(imageId === undefined ? {} : { imageId }),
  ...(before === undefined ? {} : { before }),
  ...(after === undefined ? {} : { after }),
});

/**
 * Writes one audit row, in the caller's transaction when `db` is one. Returns Prisma's lazy
 * promise, so it also fits an array `$transaction([...])`.
 */
export function audit(db: AuditClient, entry: AuditEntry): Prisma.PrismaPromise<unknown> {
  return db.auditLog.create({ data: row(entry), select: { id: true } });
}

/** Writes several audit rows in one statement. */
export function auditMany(db: AuditClient, entries: readonly AuditEntry[]): Prisma.PrismaPromise<unknown> {
  return db.auditLog.createMany({ data: entries.map(row) });
}

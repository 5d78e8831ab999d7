import { audit, type Db, type Prisma } from "@mien/db";
import { AppError } from "@mien/errors";

import { ACTIVE_ALIAS } from "./keys.ts";

export class AliasError extends AppError {
  override name = "AliasError";

  constructor(message: string, code: "NOT_FOUND" | "PRECONDITION_FAILED") {
    super(code, message);
  }
}

export interface AliasMove {
  alias: string;
  fromVersion: { id: string; number: number } | null;
  toVersion: { id: string; number: number };
  changed: boolean;
}

async function lockAlias(tx: Prisma.TransactionClient, alias: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`mien.model_alias.${alias}`}))`;
  return tx.modelAlias.findUnique({ where: { name: alias }, select: { version: { select: { id: true, number: true } } } });
}

async function move(
  tx: Prisma.TransactionClient,
  alias: string,
  to: { id: string; number: number },
  from: { id: string; number: number } | null,
  action: "promote" | "bootstrap" | "rollback",
  actorId: string | null,
): Promise<void> {
  await tx.modelAlias.upsert({
    where: { name: alias },
    create: { name: alias, versionId: to.id, updatedById: actorId },
    update: { versionId: to.id, updatedById: actorId },
  });
  await tx.modelAliasChange.create({ data: { alias, fromVersionId: from?.id ?? null, toVersionId: to.id, action, actorId } });
  await audit(tx, {
    actorId,
    action: `model.${action}`,
    entityType: "model_alias",
    entityId: alias,
    before: from ? { versionId: from.id, number: from.number } : undefined,
    after: { versionId: to.id, number: to.number },
  });
}

/** Points `alias` (default "active") at a version; audited, and kept in the alias history for roll back. */
export async function promoteVersion(
  db: Db,
  input: { versionId: string; actorId: string | null; alias?: string; action?: "promote" | "bootstrap" },
): Promise<AliasMove> {
  const alias = input.alias ?? ACTIVE_ALIAS;
  return db.$transaction(async (tx) => {
    const current = await lockAlias(tx, alias);
    const to = await tx.modelVersion.findUnique({ where: { id: input.versionId }, select: { id: true, number: true } });
    if (!to) throw new AliasError(`No model version ${input.versionId}.`, "NOT_FOUND");
    const from = current?.version ?? null;
    if (from?.id === to.id) return { alias, fromVersion: from, toVersion: to, changed: false };
    await move(tx, alias, to, from, input.action ?? "promote", input.actorId);
    return { alias, fromVersion: from, toVersion: to, changed: true };
  });
}

/**
 * What roll back returns to: the version that was active before the current one was promoted.
 * Roll backs themselves are skipped, so rolling back twice keeps going back (3 → 2 → 1) rather
 * than undoing the previous roll back.
 */
export async function rollbackTarget(db: Db | Prisma.TransactionClient, alias = ACTIVE_ALIAS) {
  const current = await db.modelAlias.findUnique({ where: { name: alias }, select: { versionId: true } });
  if (!current) return null;
  const arrival = await db.modelAliasChange.findFirst({
    where: { alias, toVersionId: current.versionId, action: { not: "rollback" } },
    orderBy: { id: "desc" },
    select: { fromVersion: { select: { id: true, number: true } } },
  });
  return arrival?.fromVersion ?? null;
}

/** Undoes the alias's last move: it points again at the version it pointed at before. */
export async function rollbackAlias(db: Db, input: { actorId: string | null; alias?: string }): Promise<AliasMove> {
  const alias = input.alias ?? ACTIVE_ALIAS;
  return db.$transaction(async (tx) => {
    const current = await lockAlias(tx, alias);
    if (!current) throw new AliasError(`No version is ${alias} yet, so there is nothing to roll back.`, "PRECONDITION_FAILED");
    const target = await rollbackTarget(tx, alias);
    if (!target)
      throw new AliasError(`Version ${current.version.number} is the first ${alias} version; there is no earlier one to roll back to.`, "PRECONDITION_FAILED");
    await move(tx, alias, target, current.version, "rollback", input.actorId);
    return { alias, fromVersion: current.version, toVersion: target, changed: true };
  });
}

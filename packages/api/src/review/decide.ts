import { audit, auditMany, Prisma, type AuditEntry, type Db } from "@mien/db";
import { AppError } from "@mien/errors";

import { asJson, decisionSelect, fromJson, REVIEW_ACTIONS, toState, type Decision, type DecisionState, type FlagReasonName } from "./state.ts";

type Tx = Prisma.TransactionClient;

type Columns = Omit<DecisionState, "version">;

/** The columns a decision writes, from what the curator chose. */
function columnsOf(decision: Decision): Columns {
  switch (decision.kind) {
    case "accept":
      return { kind: "accept" as const, label: null, flags: [] as FlagReasonName[], suggestedLabel: null };
    case "relabel":
      return { kind: "relabel" as const, label: decision.label, flags: [] as FlagReasonName[], suggestedLabel: decision.label };
    case "flag":
      if (decision.flags.includes("mislabelled") && !decision.suggestedLabel) {
        throw new AppError("BAD_REQUEST", "A mislabelled flag needs the label the image should have.");
      }
      return { kind: "flag" as const, label: null, flags: decision.flags, suggestedLabel: decision.suggestedLabel ?? null };
  }
}

async function assertImagesExist(tx: Tx, imageIds: string[]): Promise<void> {
  const found = await tx.image.count({ where: { id: { in: imageIds } } });
  if (found !== imageIds.length) {
    throw new AppError("NOT_FOUND", "An image in this request no longer exists. Reload the page and try again.");
  }
}

function conflict(): AppError {
  return new AppError("CONFLICT", "Your decision on this image changed in another tab or window. Reload to see it, then decide again.");
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

/**
 * Writes `columns` as the curator's live decision on one image: an update guarded by the
 * version the caller saw (optimistic concurrency), or an insert. Returns the new state.
 */
async function writeDecision(tx: Tx, curatorId: string, imageId: string, current: DecisionState | null, columns: Columns): Promise<DecisionState> {
  if (current) {
    const { count } = await tx.reviewDecision.updateMany({
      where: { imageId, curatorId, version: current.version },
      data: { ...columns, version: { increment: 1 } },
    });
    if (count !== 1) throw conflict();
    return { ...columns, version: current.version + 1 };
  }
  await tx.reviewDecision.create({ data: { imageId, curatorId, ...columns } });
  return { ...columns, version: 1 };
}

async function currentDecision(tx: Tx, curatorId: string, imageId: string): Promise<DecisionState | null> {
  return toState(await tx.reviewDecision.findUnique({ where: { imageId_curatorId: { imageId, curatorId } }, select: decisionSelect }));
}

/** Runs `work` in a transaction, turning a lost insert race on (imageId, curatorId) into CONFLICT. */
async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.$transaction(work);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict();
    throw err;
  }
}

export interface DecideArgs {
  curatorId: string;
  imageId: string;
  decision: Decision;
  expectedVersion?: number | null | undefined;
}

/** One curator's decision on one image, with its audit row in the same transaction. */
export async function decide(db: Db, args: DecideArgs): Promise<DecisionState> {
  const columns = columnsOf(args.decision);
  return inTransaction(db, async (tx) => {
    await assertImagesExist(tx, [args.imageId]);
    const before = await currentDecision(tx, args.curatorId, args.imageId);
    if (args.expectedVersion !== undefined && (before?.version ?? null) !== args.expectedVersion) throw conflict();
    const after = await writeDecision(tx, args.curatorId, args.imageId, before, columns);
    await audit(tx, {
      actorId: args.curatorId,
      action: REVIEW_ACTIONS.decide,
      entityType: "image",
      entityId: args.imageId,
      imageId: args.imageId,
      before: asJson(before),
      after: asJson(after),
    });
    return after;
  });
}

export interface BulkFlagArgs {
  curatorId: string;
  imageIds: string[];
  flags: FlagReasonName[];
  suggestedLabel?: string | undefined;
}

/** Flags every image of a selection in one transaction, one audit row per image. */
export async function bulkFlag(db: Db, args: BulkFlagArgs): Promise<{ imageId: string; decision: DecisionState }[]> {
  // Sorted, so two overlapping bulk flags lock the images' consensus rows in the same order.
  const imageIds = [...new Set(args.imageIds)].sort();
  if (args.flags.includes("mislabelled") && !args.suggestedLabel) {
    throw new AppError("BAD_REQUEST", "A mislabelled flag needs the label the images should have.");
  }
  const columns: Columns = { kind: "flag", label: null, flags: args.flags, suggestedLabel: args.suggestedLabel ?? null };
  return inTransaction(db, async (tx) => {
    await assertImagesExist(tx, imageIds);
    const existing = await tx.reviewDecision.findMany({
      where: { curatorId: args.curatorId, imageId: { in: imageIds } },
      select: { imageId: true, ...decisionSelect },
    });
    const byImage = new Map(existing.map((row) => [row.imageId, toState(row)]));
    const results: { imageId: string; decision: DecisionState }[] = [];
    const entries: AuditEntry[] = [];
    for (const imageId of imageIds) {
      const before = byImage.get(imageId) ?? null;
      const after = await writeDecision(tx, args.curatorId, imageId, before, columns);
      results.push({ imageId, decision: after });
      entries.push({
        actorId: args.curatorId,
        action: REVIEW_ACTIONS.bulkFlag,
        entityType: "image",
        entityId: imageId,
        imageId,
        before: asJson(before),
        after: asJson(after),
      });
    }
    await auditMany(tx, entries);
    return results;
  });
}

/**
 * Undoes the curator's most recent decision on an image that is not already undone: walks their
 * audit rows newest first, each undo cancelling the decision before it, and restores that
 * decision's before-state (or removes the decision when there was none).
 */
export async function undo(db: Db, args: { curatorId: string; imageId: string }): Promise<DecisionState | null> {
  return inTransaction(db, async (tx) => {
    const rows = await tx.auditLog.findMany({
      where: { actorId: args.curatorId, imageId: args.imageId, action: { in: Object.values(REVIEW_ACTIONS) } },
      orderBy: { id: "desc" },
      take: 200,
      select: { action: true, before: true },
    });
    let pendingUndos = 0;
    const target = rows.find((row) => {
      if (row.action === REVIEW_ACTIONS.undo) {
        pendingUndos++;
        return false;
      }
      if (pendingUndos > 0) {
        pendingUndos--;
        return false;
      }
      return true;
    });
    if (!target) throw new AppError("PRECONDITION_FAILED", "There is nothing of yours to undo on this image.");

    const current = await currentDecision(tx, args.curatorId, args.imageId);
    const restore = fromJson(target.before);
    let after: DecisionState | null = null;
    if (restore) {
      const { version: _, ...columns } = restore;
      after = await writeDecision(tx, args.curatorId, args.imageId, current, columns);
    } else if (current) {
      await tx.reviewDecision.delete({ where: { imageId_curatorId: { imageId: args.imageId, curatorId: args.curatorId } } });
    }
    await audit(tx, {
      actorId: args.curatorId,
      action: REVIEW_ACTIONS.undo,
      entityType: "image",
      entityId: args.imageId,
      imageId: args.imageId,
      before: asJson(current),
      after: asJson(after),
    });
    return after;
  });
}

import { Prisma, type Db } from "@mien/db";
import { AppError } from "@mien/errors";

import type { SaveAttemptInput } from "./schemas.ts";

export interface SavedAttempt {
  id: string;
  createdAt: Date;
  /** True when this attempt id was already stored: a resend, stored once. */
  duplicate: boolean;
}

const foreignSession = () => new AppError("FORBIDDEN", "This coach session belongs to another account. Reload the coach page to start your own.");
const foreignAttempt = () => new AppError("FORBIDDEN", "This attempt id belongs to another account. Reload the coach page and practise again.");

/**
 * Stores one practice attempt of `userId`, opening the coach session on its first attempt. A
 * session id belongs to the user who opened it; anyone else's attempt on it is refused. The
 * attempt's id is its idempotency key: sending it again (a retry, or the offline queue after a
 * lost answer) stores nothing more and answers with the attempt already stored.
 */
export async function saveAttempt(db: Db, userId: string, input: SaveAttemptInput): Promise<SavedAttempt> {
  const { session, attempt } = input;
  const { id, madeAt, ...fields } = attempt;
  const stored = async (): Promise<SavedAttempt | null> => {
    const found = await db.practiceAttempt.findUnique({ where: { id }, select: { userId: true, createdAt: true } });
    if (!found) return null;
    if (found.userId !== userId) throw foreignAttempt();
    return { id, createdAt: found.createdAt, duplicate: true };
  };
  const already = await stored();
  if (already) return already;
  try {
    return await db.$transaction(async (tx) => {
      await tx.coachSession.upsert({
        where: { id: session.id },
        create: { id: session.id, userId, modelKey: session.modelKey, modelName: session.modelName, startedAt: madeAt },
        update: {},
      });
      const owner = await tx.coachSession.findUniqueOrThrow({ where: { id: session.id }, select: { userId: true } });
      if (owner.userId !== userId) throw foreignSession();
      const created = await tx.practiceAttempt.create({
        data: { id, sessionId: session.id, userId, ...fields, readAs: fields.readAs, createdAt: madeAt },
        select: { id: true, createdAt: true },
      });
      return { ...created, duplicate: false };
    });
  } catch (error) {
    // Two sends of one attempt raced: the other one stored it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const raced = await stored();
      if (raced) return raced;
    }
    throw error;
  }
}

/** Deletes every coach session and attempt of `userId`. */
export async function clearProgress(db: Db, userId: string): Promise<{ attempts: number; sessions: number }> {
  return db.$transaction(async (tx) => {
    const attempts = await tx.practiceAttempt.deleteMany({ where: { userId } });
    const sessions = await tx.coachSession.deleteMany({ where: { userId } });
    return { attempts: attempts.count, sessions: sessions.count };
  });
}

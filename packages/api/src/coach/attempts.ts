import { TRPCError } from "@trpc/server";
import type { Db } from "@mien/db";
import type { SaveAttemptInput } from "./schemas.ts";

/**
 * Stores one practice attempt of `userId`, opening the coach session on its first attempt. A
 * session id belongs to the user who opened it; anyone else's attempt on it is refused.
 */
export async function saveAttempt(db: Db, userId: string, input: SaveAttemptInput): Promise<{ id: string; createdAt: Date }> {
  const { session, attempt } = input;
  return db.$transaction(async (tx) => {
    await tx.coachSession.upsert({
      where: { id: session.id },
      create: { id: session.id, userId, modelKey: session.modelKey, modelName: session.modelName },
      update: {},
    });
    const owner = await tx.coachSession.findUniqueOrThrow({ where: { id: session.id }, select: { userId: true } });
    if (owner.userId !== userId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "This coach session belongs to another account. Reload the coach page to start your own." });
    }
    return tx.practiceAttempt.create({
      data: { sessionId: session.id, userId, ...attempt, readAs: attempt.readAs },
      select: { id: true, createdAt: true },
    });
  });
}

/** Deletes every coach session and attempt of `userId`. */
export async function clearProgress(db: Db, userId: string): Promise<{ attempts: number; sessions: number }> {
  return db.$transaction(async (tx) => {
    const attempts = await tx.practiceAttempt.deleteMany({ where: { userId } });
    const sessions = await tx.coachSession.deleteMany({ where: { userId } });
    return { attempts: attempts.count, sessions: sessions.count };
  });
}

-- CreateTable
CREATE TABLE "coach_session" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "modelKey" TEXT NOT NULL,
    "modelName" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practice_attempt" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "holdMs" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "calibrated" BOOLEAN NOT NULL,
    "readAs" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "practice_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "coach_session_userId_startedAt_idx" ON "coach_session"("userId", "startedAt");

-- CreateIndex
CREATE INDEX "practice_attempt_userId_target_createdAt_idx" ON "practice_attempt"("userId", "target", "createdAt");

-- CreateIndex
CREATE INDEX "practice_attempt_sessionId_idx" ON "practice_attempt"("sessionId");

-- AddForeignKey
ALTER TABLE "coach_session" ADD CONSTRAINT "coach_session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_attempt" ADD CONSTRAINT "practice_attempt_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "coach_session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_attempt" ADD CONSTRAINT "practice_attempt_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_attempt" ADD CONSTRAINT "practice_attempt_target_fkey" FOREIGN KEY ("target") REFERENCES "expression_class"("name") ON DELETE RESTRICT ON UPDATE CASCADE;


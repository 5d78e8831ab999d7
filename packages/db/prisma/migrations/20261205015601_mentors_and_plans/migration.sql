-- CreateTable
CREATE TABLE "mentor_invitation" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "codeHash" CHAR(64) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "redeemedAt" TIMESTAMP(3),
    "redeemedById" TEXT,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "mentor_invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mentor_grant" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "mentorId" TEXT NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "mentor_grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practice_plan" (
    "userId" TEXT NOT NULL,
    "targets" TEXT[],
    "holdMs" INTEGER NOT NULL,
    "sessionsPerWeek" INTEGER NOT NULL,
    "setById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "practice_plan_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "invitation_redeem_attempt" (
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "invitation_redeem_attempt_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "mentor_invitation_codeHash_key" ON "mentor_invitation"("codeHash");

-- CreateIndex
CREATE INDEX "mentor_invitation_userId_createdAt_idx" ON "mentor_invitation"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "mentor_grant_mentorId_revokedAt_idx" ON "mentor_grant"("mentorId", "revokedAt");

-- CreateIndex
CREATE UNIQUE INDEX "mentor_grant_userId_mentorId_key" ON "mentor_grant"("userId", "mentorId");

-- CreateIndex
CREATE INDEX "practice_plan_setById_idx" ON "practice_plan"("setById");

-- AddForeignKey
ALTER TABLE "mentor_invitation" ADD CONSTRAINT "mentor_invitation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_invitation" ADD CONSTRAINT "mentor_invitation_redeemedById_fkey" FOREIGN KEY ("redeemedById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_grant" ADD CONSTRAINT "mentor_grant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentor_grant" ADD CONSTRAINT "mentor_grant_mentorId_fkey" FOREIGN KEY ("mentorId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_plan" ADD CONSTRAINT "practice_plan_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_plan" ADD CONSTRAINT "practice_plan_setById_fkey" FOREIGN KEY ("setById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- CreateEnum
CREATE TYPE "EvalScoreStatus" AS ENUM ('queued', 'running', 'completed', 'failed');

-- CreateTable
CREATE TABLE "eval_set" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "contentHash" CHAR(64) NOT NULL,
    "source" TEXT NOT NULL,
    "snapshotId" UUID,
    "importRunId" UUID,
    "split" "Split",
    "imageCount" INTEGER NOT NULL,
    "classCounts" JSONB NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "eval_set_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "eval_set_item" (
    "setId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "eval_set_item_pkey" PRIMARY KEY ("setId","position")
);

-- CreateTable
CREATE TABLE "eval_score" (
    "id" UUID NOT NULL,
    "setId" UUID NOT NULL,
    "versionId" UUID NOT NULL,
    "status" "EvalScoreStatus" NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "classes" JSONB,
    "excluded" JSONB,
    "metrics" JSONB,
    "predictions" JSONB,
    "backend" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "eval_score_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "eval_set_contentHash_key" ON "eval_set"("contentHash");

-- CreateIndex
CREATE INDEX "eval_set_createdAt_idx" ON "eval_set"("createdAt");

-- CreateIndex
CREATE INDEX "eval_set_item_sha256_idx" ON "eval_set_item"("sha256");

-- CreateIndex
CREATE INDEX "eval_score_setId_status_idx" ON "eval_score"("setId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "eval_score_versionId_setId_key" ON "eval_score"("versionId", "setId");

-- AddForeignKey
ALTER TABLE "eval_set" ADD CONSTRAINT "eval_set_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "dataset_snapshot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "eval_set" ADD CONSTRAINT "eval_set_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "eval_set_item" ADD CONSTRAINT "eval_set_item_setId_fkey" FOREIGN KEY ("setId") REFERENCES "eval_set"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "eval_score" ADD CONSTRAINT "eval_score_setId_fkey" FOREIGN KEY ("setId") REFERENCES "eval_set"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "eval_score" ADD CONSTRAINT "eval_score_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


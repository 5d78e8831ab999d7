-- DropIndex
DROP INDEX "model_version_trainingJobId_idx";

-- AlterTable
ALTER TABLE "training_job" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "backend" TEXT,
ADD COLUMN     "checkpointEpoch" INTEGER,
ADD COLUMN     "progress" JSONB;

-- CreateTable
CREATE TABLE "model_alias_change" (
    "id" BIGSERIAL NOT NULL,
    "alias" TEXT NOT NULL,
    "fromVersionId" UUID,
    "toVersionId" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "actorId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_alias_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "model_alias_change_alias_id_idx" ON "model_alias_change"("alias", "id");

-- CreateIndex
CREATE INDEX "training_job_createdAt_idx" ON "training_job"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_trainingJobId_key" ON "model_version"("trainingJobId");

-- CreateIndex
CREATE INDEX "model_version_createdAt_idx" ON "model_version"("createdAt");

-- AddForeignKey
ALTER TABLE "model_alias_change" ADD CONSTRAINT "model_alias_change_fromVersionId_fkey" FOREIGN KEY ("fromVersionId") REFERENCES "model_version"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alias_change" ADD CONSTRAINT "model_alias_change_toVersionId_fkey" FOREIGN KEY ("toVersionId") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alias_change" ADD CONSTRAINT "model_alias_change_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;


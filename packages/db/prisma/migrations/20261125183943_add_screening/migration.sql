-- CreateEnum
CREATE TYPE "ScreeningStatus" AS ENUM ('queued', 'running', 'completed', 'failed');

-- AlterTable
ALTER TABLE "image" ADD COLUMN     "duplicateGroup" UUID,
ADD COLUMN     "faceBox" DOUBLE PRECISION[],
ADD COLUMN     "faceScore" DOUBLE PRECISION,
ADD COLUMN     "labelConfidence" DOUBLE PRECISION,
ADD COLUMN     "mislabelScore" DOUBLE PRECISION,
ADD COLUMN     "ocrScore" DOUBLE PRECISION,
ADD COLUMN     "ocrText" TEXT,
ADD COLUMN     "suggestedLabel" TEXT;

-- CreateTable
CREATE TABLE "screening_run" (
    "id" UUID NOT NULL,
    "status" "ScreeningStatus" NOT NULL DEFAULT 'queued',
    "options" JSONB NOT NULL,
    "queueJobId" TEXT,
    "error" TEXT,
    "startedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "screening_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "screening_stage" (
    "runId" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "cursor" UUID,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "detail" JSONB,

    CONSTRAINT "screening_stage_pkey" PRIMARY KEY ("runId","stage")
);

-- CreateTable
CREATE TABLE "image_embedding" (
    "imageId" UUID NOT NULL,
    "backbone" TEXT NOT NULL,
    "vector" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_embedding_pkey" PRIMARY KEY ("imageId","backbone")
);

-- CreateIndex
CREATE UNIQUE INDEX "screening_run_queueJobId_key" ON "screening_run"("queueJobId");

-- CreateIndex
CREATE INDEX "screening_run_status_createdAt_idx" ON "screening_run"("status", "createdAt");

-- CreateIndex
CREATE INDEX "image_label_blurScore_id_idx" ON "image"("label", "blurScore", "id");

-- CreateIndex
CREATE INDEX "image_label_contrast_id_idx" ON "image"("label", "contrast", "id");

-- CreateIndex
CREATE INDEX "image_label_faceScore_id_idx" ON "image"("label", "faceScore", "id");

-- CreateIndex
CREATE INDEX "image_label_ocrScore_id_idx" ON "image"("label", "ocrScore", "id");

-- CreateIndex
CREATE INDEX "image_label_mislabelScore_id_idx" ON "image"("label", "mislabelScore", "id");

-- CreateIndex
CREATE INDEX "image_label_duplicateGroup_id_idx" ON "image"("label", "duplicateGroup", "id");

-- CreateIndex
CREATE INDEX "image_duplicateGroup_idx" ON "image"("duplicateGroup");

-- AddForeignKey
ALTER TABLE "image" ADD CONSTRAINT "image_suggestedLabel_fkey" FOREIGN KEY ("suggestedLabel") REFERENCES "expression_class"("name") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "screening_run" ADD CONSTRAINT "screening_run_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "screening_stage" ADD CONSTRAINT "screening_stage_runId_fkey" FOREIGN KEY ("runId") REFERENCES "screening_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image_embedding" ADD CONSTRAINT "image_embedding_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE CASCADE ON UPDATE CASCADE;


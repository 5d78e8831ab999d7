-- CreateEnum
CREATE TYPE "ResolutionOutcome" AS ENUM ('accept', 'relabel', 'remove');

-- AlterTable
ALTER TABLE "dataset_snapshot" ADD COLUMN     "dropped" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "reviewedOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reviewsRequired" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "review_consensus" (
    "imageId" UUID NOT NULL,
    "reviews" INTEGER NOT NULL DEFAULT 0,
    "disagree" BOOLEAN NOT NULL DEFAULT false,
    "outcome" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_consensus_pkey" PRIMARY KEY ("imageId")
);

-- CreateTable
CREATE TABLE "review_resolution" (
    "imageId" UUID NOT NULL,
    "outcome" "ResolutionOutcome" NOT NULL,
    "label" TEXT,
    "note" TEXT,
    "resolvedById" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "review_resolution_pkey" PRIMARY KEY ("imageId")
);

-- CreateIndex
CREATE INDEX "review_consensus_disagree_imageId_idx" ON "review_consensus"("disagree", "imageId");

-- CreateIndex
CREATE INDEX "review_resolution_resolvedById_updatedAt_idx" ON "review_resolution"("resolvedById", "updatedAt");

-- CreateIndex
CREATE INDEX "image_label_id_idx" ON "image"("label", "id");

-- CreateIndex
CREATE INDEX "dataset_snapshot_createdAt_idx" ON "dataset_snapshot"("createdAt");

-- AddForeignKey
ALTER TABLE "review_consensus" ADD CONSTRAINT "review_consensus_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_resolution" ADD CONSTRAINT "review_resolution_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_resolution" ADD CONSTRAINT "review_resolution_label_fkey" FOREIGN KEY ("label") REFERENCES "expression_class"("name") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_resolution" ADD CONSTRAINT "review_resolution_resolvedById_fkey" FOREIGN KEY ("resolvedById") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


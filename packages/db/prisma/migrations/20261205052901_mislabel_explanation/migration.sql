-- AlterTable
ALTER TABLE "image" ADD COLUMN     "labelThreshold" DOUBLE PRECISION,
ADD COLUMN     "suggestedConfidence" DOUBLE PRECISION;


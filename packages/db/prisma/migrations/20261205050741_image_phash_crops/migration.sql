-- AlterTable
ALTER TABLE "image" ADD COLUMN     "phashCrops" BIGINT[] DEFAULT ARRAY[]::BIGINT[];


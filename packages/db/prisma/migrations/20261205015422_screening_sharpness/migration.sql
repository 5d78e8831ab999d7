-- AlterTable
ALTER TABLE "image" ADD COLUMN     "sharpness" DOUBLE PRECISION;


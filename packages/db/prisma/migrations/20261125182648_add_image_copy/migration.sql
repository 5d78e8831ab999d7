-- CreateTable
CREATE TABLE "image_copy" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "importRunId" UUID NOT NULL,
    "sourcePath" TEXT NOT NULL,
    "sourceLabel" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "split" "Split",
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_copy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "image_copy_sha256_idx" ON "image_copy"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "image_copy_importRunId_sourcePath_key" ON "image_copy"("importRunId", "sourcePath");

-- AddForeignKey
ALTER TABLE "image_copy" ADD CONSTRAINT "image_copy_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "import_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;


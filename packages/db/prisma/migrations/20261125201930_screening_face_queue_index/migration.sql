-- CreateIndex
CREATE INDEX "image_label_faceCount_faceScore_id_idx" ON "image"("label", "faceCount", "faceScore", "id");


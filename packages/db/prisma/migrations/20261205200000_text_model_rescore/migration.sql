-- Text over the face is scored by a new text model with its own threshold (packages/screening
-- src/text-model.json, THRESHOLDS.ocrScore). Scores of the old model are forgotten, so the next
-- screening run reads every image's text again instead of holding an old score against the new
-- threshold. The schema does not change.
UPDATE "image" SET "ocrScore" = NULL, "ocrText" = NULL WHERE "ocrScore" IS NOT NULL;

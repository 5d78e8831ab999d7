-- AlterTable
ALTER TABLE "image" ADD COLUMN     "splitDealt" BOOLEAN NOT NULL DEFAULT false;


-- Existing splits: dealt by the importer unless a class-folder source named them with a split
-- folder (its first path segment, folded the way splitFromFolder in packages/dataset folds it).
UPDATE "image" AS i
SET "splitDealt" = true
WHERE i."split" IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM "import_run" AS r
    WHERE r."id" = i."importRunId"
      AND r."layout" = 'class-folders'
      AND lower(regexp_replace(split_part(i."sourcePath", '/', 1), '[^A-Za-z]', '', 'g'))
        IN ('train', 'training', 'val', 'valid', 'validation', 'dev', 'publictest', 'test', 'testing', 'privatetest')
  );

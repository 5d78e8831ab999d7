-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('user', 'curator', 'admin');

-- CreateEnum
CREATE TYPE "Split" AS ENUM ('train', 'val', 'test');

-- CreateEnum
CREATE TYPE "FlagReason" AS ENUM ('unclear', 'text_overlay', 'mislabelled', 'no_face', 'duplicate');

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('accept', 'relabel', 'flag');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('running', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "TrainingStatus" AS ENUM ('queued', 'running', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "user" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" "Role" NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "expression_class" (
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "expression_class_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "class_synonym" (
    "synonym" TEXT NOT NULL,
    "className" TEXT NOT NULL,

    CONSTRAINT "class_synonym_pkey" PRIMARY KEY ("synonym")
);

-- CreateTable
CREATE TABLE "image" (
    "id" UUID NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "storageKey" TEXT NOT NULL,
    "thumbKey" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "sourcePath" TEXT NOT NULL,
    "sourceLabel" TEXT NOT NULL,
    "sourceClass" TEXT,
    "label" TEXT NOT NULL,
    "split" "Split",
    "phash" BIGINT NOT NULL,
    "blurScore" DOUBLE PRECISION NOT NULL,
    "contrast" DOUBLE PRECISION NOT NULL,
    "faceCount" INTEGER,
    "importRunId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_decision" (
    "id" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "curatorId" TEXT NOT NULL,
    "kind" "DecisionKind" NOT NULL,
    "label" TEXT,
    "flags" "FlagReason"[],
    "suggestedLabel" TEXT,
    "note" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "review_decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "image_flag" (
    "id" UUID NOT NULL,
    "imageId" UUID NOT NULL,
    "reason" "FlagReason" NOT NULL,
    "source" TEXT NOT NULL,
    "score" DOUBLE PRECISION,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_flag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_run" (
    "id" UUID NOT NULL,
    "root" TEXT NOT NULL,
    "layout" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'running',
    "startedById" TEXT,
    "seen" INTEGER NOT NULL DEFAULT 0,
    "imported" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "import_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_issue" (
    "id" UUID NOT NULL,
    "importRunId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_issue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dataset_snapshot" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "contentHash" CHAR(64) NOT NULL,
    "manifestKey" TEXT NOT NULL,
    "imageCount" INTEGER NOT NULL,
    "classCounts" JSONB NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_job" (
    "id" UUID NOT NULL,
    "snapshotId" UUID NOT NULL,
    "config" JSONB NOT NULL,
    "status" "TrainingStatus" NOT NULL DEFAULT 'queued',
    "queueJobId" TEXT,
    "error" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "training_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_version" (
    "id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "contentHash" CHAR(64) NOT NULL,
    "artifactKey" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "trainingJobId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_alias" (
    "name" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "model_alias_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "imageId" UUID,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");

-- CreateIndex
CREATE INDEX "user_role_idx" ON "user"("role");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_key" ON "session"("token");

-- CreateIndex
CREATE INDEX "session_userId_idx" ON "session"("userId");

-- CreateIndex
CREATE INDEX "account_userId_idx" ON "account"("userId");

-- CreateIndex
CREATE INDEX "verification_identifier_idx" ON "verification"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "expression_class_position_key" ON "expression_class"("position");

-- CreateIndex
CREATE INDEX "class_synonym_className_idx" ON "class_synonym"("className");

-- CreateIndex
CREATE UNIQUE INDEX "image_sha256_key" ON "image"("sha256");

-- CreateIndex
CREATE INDEX "image_label_split_id_idx" ON "image"("label", "split", "id");

-- CreateIndex
CREATE INDEX "image_split_label_idx" ON "image"("split", "label");

-- CreateIndex
CREATE INDEX "image_phash_idx" ON "image"("phash");

-- CreateIndex
CREATE INDEX "image_blurScore_idx" ON "image"("blurScore");

-- CreateIndex
CREATE INDEX "image_faceCount_idx" ON "image"("faceCount");

-- CreateIndex
CREATE INDEX "image_importRunId_idx" ON "image"("importRunId");

-- CreateIndex
CREATE INDEX "image_sourcePath_idx" ON "image"("sourcePath");

-- CreateIndex
CREATE INDEX "review_decision_curatorId_updatedAt_idx" ON "review_decision"("curatorId", "updatedAt");

-- CreateIndex
CREATE INDEX "review_decision_imageId_idx" ON "review_decision"("imageId");

-- CreateIndex
CREATE UNIQUE INDEX "review_decision_imageId_curatorId_key" ON "review_decision"("imageId", "curatorId");

-- CreateIndex
CREATE INDEX "image_flag_reason_score_idx" ON "image_flag"("reason", "score");

-- CreateIndex
CREATE UNIQUE INDEX "image_flag_imageId_reason_source_key" ON "image_flag"("imageId", "reason", "source");

-- CreateIndex
CREATE INDEX "import_run_root_status_idx" ON "import_run"("root", "status");

-- CreateIndex
CREATE UNIQUE INDEX "import_issue_importRunId_path_reason_key" ON "import_issue"("importRunId", "path", "reason");

-- CreateIndex
CREATE UNIQUE INDEX "dataset_snapshot_contentHash_key" ON "dataset_snapshot"("contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "training_job_queueJobId_key" ON "training_job"("queueJobId");

-- CreateIndex
CREATE INDEX "training_job_status_createdAt_idx" ON "training_job"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_number_key" ON "model_version"("number");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_contentHash_key" ON "model_version"("contentHash");

-- CreateIndex
CREATE INDEX "model_version_trainingJobId_idx" ON "model_version"("trainingJobId");

-- CreateIndex
CREATE INDEX "audit_log_imageId_createdAt_idx" ON "audit_log"("imageId", "createdAt");

-- CreateIndex
CREATE INDEX "audit_log_actorId_createdAt_idx" ON "audit_log"("actorId", "createdAt");

-- CreateIndex
CREATE INDEX "audit_log_entityType_entityId_idx" ON "audit_log"("entityType", "entityId");

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "class_synonym" ADD CONSTRAINT "class_synonym_className_fkey" FOREIGN KEY ("className") REFERENCES "expression_class"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image" ADD CONSTRAINT "image_sourceClass_fkey" FOREIGN KEY ("sourceClass") REFERENCES "expression_class"("name") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image" ADD CONSTRAINT "image_label_fkey" FOREIGN KEY ("label") REFERENCES "expression_class"("name") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image" ADD CONSTRAINT "image_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "import_run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_curatorId_fkey" FOREIGN KEY ("curatorId") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_label_fkey" FOREIGN KEY ("label") REFERENCES "expression_class"("name") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_decision" ADD CONSTRAINT "review_decision_suggestedLabel_fkey" FOREIGN KEY ("suggestedLabel") REFERENCES "expression_class"("name") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image_flag" ADD CONSTRAINT "image_flag_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_run" ADD CONSTRAINT "import_run_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_issue" ADD CONSTRAINT "import_issue_importRunId_fkey" FOREIGN KEY ("importRunId") REFERENCES "import_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dataset_snapshot" ADD CONSTRAINT "dataset_snapshot_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_job" ADD CONSTRAINT "training_job_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "dataset_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_job" ADD CONSTRAINT "training_job_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_version" ADD CONSTRAINT "model_version_trainingJobId_fkey" FOREIGN KEY ("trainingJobId") REFERENCES "training_job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alias" ADD CONSTRAINT "model_alias_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alias" ADD CONSTRAINT "model_alias_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "image"("id") ON DELETE SET NULL ON UPDATE CASCADE;


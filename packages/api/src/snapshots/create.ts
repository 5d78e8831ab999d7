import { z } from "zod";

import { classCounts, writeManifest, type SnapshotEntry } from "@mien/dataset/snapshot";
import { audit, Prisma, type Db } from "@mien/db";
import { AppError } from "@mien/errors";
import type { Storage } from "@mien/storage";

import { reviewsRequired } from "../review/consensus.ts";

export const DROP_REASONS = ["removed", "flagged", "conflict", "pending", "unassigned"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const createSnapshotInput = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  /** Leave out images not yet reviewed by enough curators (by default they are kept with their current label). */
  reviewedOnly: z.boolean().default(false),
});

export interface CreateSnapshotArgs {
  actorId: string;
  name?: string | undefined;
  reviewedOnly: boolean;
  now?: Date;
}

interface Row {
  sha256: string | null;
  label: string | null;
  split: string | null;
  reason: DropReason | null;
  n: number | null;
}

/**
 * Every image's effective status in one set-based pass over image ⟕ review_consensus ⟕
 * review_resolution, returning the kept images (with their effective label) and a count per drop
 * reason. The rule, in order:
 * - an admin resolution wins: remove → dropped ("removed"); accept → kept; relabel → kept with its class;
 * - fewer reviews than required → "pending": kept with the current label, or dropped if `reviewedOnly`;
 * - reviewers disagree → dropped ("conflict") until an admin resolves it;
 * - all flagged → dropped ("flagged"); all accepted → kept; all relabelled to one class → kept with it;
 * - a kept image without a train/val/test split → dropped ("unassigned").
 */
async function effectiveSet(tx: Prisma.TransactionClient, required: number, reviewedOnly: boolean): Promise<Row[]> {
  return tx.$queryRaw<Row[]>`
    WITH status AS (
      SELECT i.sha256::text AS sha256, i.split::text AS split,
             CASE
               WHEN r.outcome = 'remove' THEN 'removed'
               WHEN r.outcome IS NOT NULL THEN NULL
               WHEN coalesce(c.reviews, 0) < ${required} THEN CASE WHEN ${reviewedOnly} THEN 'pending' END
               WHEN c.disagree THEN 'conflict'
               WHEN c.outcome = 'flag' THEN 'flagged'
             END AS dropped,
             CASE
               WHEN r.outcome = 'relabel' THEN r.label
               WHEN r.outcome IS NULL AND c.reviews >= ${required} AND NOT c.disagree AND c.outcome LIKE 'relabel:%'
                 THEN substr(c.outcome, length('relabel:') + 1)
               ELSE i.label
             END AS label
        FROM image i
        LEFT JOIN review_consensus c ON c."imageId" = i.id
        LEFT JOIN review_resolution r ON r."imageId" = i.id
    ), decided AS (
      SELECT sha256, label, split, coalesce(dropped, CASE WHEN split IS NULL THEN 'unassigned' END) AS reason FROM status
    )
    SELECT sha256, label, split, NULL AS reason, NULL::int AS n FROM decided WHERE reason IS NULL
    UNION ALL
    SELECT NULL, NULL, NULL, reason, count(*)::int FROM decided WHERE reason IS NOT NULL GROUP BY reason`;
}

const snapshotSelect = {
  id: true,
  name: true,
  contentHash: true,
  manifestKey: true,
  imageCount: true,
  classCounts: true,
  reviewsRequired: true,
  reviewedOnly: true,
  dropped: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true, email: true } },
} as const;

/**
 * Freezes the current curated set: computes each image's effective status in one consistent read,
 * writes the content-addressed manifest, and records the snapshot with its options and drop counts,
 * audited as "snapshot.create". Freezing content that is already frozen returns that snapshot.
 */
export async function createSnapshot(db: Db, storage: Storage, args: CreateSnapshotArgs) {
  // One REPEATABLE READ transaction: the setting and every image, decision and resolution come from one moment.
  const { required, rows } = await db.$transaction(
    async (tx) => {
      const required = await reviewsRequired(tx);
      return { required, rows: await effectiveSet(tx, required, args.reviewedOnly) };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 300_000, maxWait: 10_000 },
  );

  const dropped: Partial<Record<DropReason, number>> = {};
  const entries: SnapshotEntry[] = [];
  for (const row of rows) {
    if (row.reason) dropped[row.reason] = row.n ?? 0;
    else entries.push({ sha256: row.sha256!, label: row.label as SnapshotEntry["label"], split: row.split as SnapshotEntry["split"] });
  }
  if (entries.length === 0) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "Nothing to freeze: the data set is empty or every image is left out. Import images, or freeze without “reviewed only”.",
    );
  }

  const manifest = await writeManifest(storage, entries);
  const existing = await db.datasetSnapshot.findUnique({ where: { contentHash: manifest.contentHash }, select: snapshotSelect });
  if (existing) return { snapshot: existing, created: false };

  const now = args.now ?? new Date();
  try {
    const snapshot = await db.$transaction(async (tx) => {
      const row = await tx.datasetSnapshot.create({
        data: {
          name: args.name ?? `Curated set ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`,
          contentHash: manifest.contentHash,
          manifestKey: manifest.key,
          imageCount: manifest.entries.length,
          classCounts: classCounts(manifest.entries),
          reviewsRequired: required,
          reviewedOnly: args.reviewedOnly,
          dropped,
          createdById: args.actorId,
        },
        select: snapshotSelect,
      });
      await audit(tx, {
        actorId: args.actorId,
        action: "snapshot.create",
        entityType: "snapshot",
        entityId: row.id,
        after: {
          name: row.name,
          contentHash: row.contentHash,
          imageCount: row.imageCount,
          reviewsRequired: required,
          reviewedOnly: args.reviewedOnly,
          dropped,
        },
      });
      return row;
    });
    return { snapshot, created: true };
  } catch (err) {
    // Another admin froze the same content a moment earlier: theirs is the snapshot.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const raced = await db.datasetSnapshot.findUnique({ where: { contentHash: manifest.contentHash }, select: snapshotSelect });
      if (raced) return { snapshot: raced, created: false };
    }
    throw err;
  }
}

export { snapshotSelect };

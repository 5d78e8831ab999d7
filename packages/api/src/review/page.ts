import { z } from "zod";

import { Prisma, type Db } from "@mien/db";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { cursorAfter, pageCursor, REVIEW_SORTS, signalConditions, signalFilters, sortConditions, sortOrderSql } from "./signals.ts";
import { FLAG_REASONS, toState, type DecisionState } from "./state.ts";

export const PAGE_SIZE = 48;

export const pageInput = z.object({
  label: z.enum(EXPRESSION_CLASSES),
  /** "unassigned" is an image without a split; omitted means every split. */
  split: z.enum(["train", "val", "test", "unassigned"]).optional(),
  /** Images the automatic screening or the viewer flagged for this reason. */
  flag: z.enum(FLAG_REASONS).optional(),
  notReviewedByMe: z.boolean().default(false),
  /** Images the viewer has reviewed whose reviewers disagree, with no admin resolution yet. */
  disagreements: z.boolean().default(false),
  /** Stable order, or a screening signal ("suspicious": most suspicious label first, …). */
  sort: z.enum(REVIEW_SORTS).default("id"),
  ...signalFilters,
  limit: z.number().int().min(1).max(100).default(PAGE_SIZE),
  /** Keyset cursor: the last row of the previous page. */
  cursor: pageCursor.nullish(),
});
export type PageInput = z.infer<typeof pageInput>;

export interface ReviewImage {
  id: string;
  label: string;
  split: "train" | "val" | "test" | null;
  width: number;
  height: number;
  blurScore: number;
  contrast: number;
  faceCount: number | null;
  faceScore: number | null;
  ocrScore: number | null;
  ocrText: string | null;
  /** Confident learning: the label the model believes, and how suspicious the given label is (0..1). */
  suggestedLabel: string | null;
  labelConfidence: number | null;
  mislabelScore: number | null;
  /** The suggested label's out-of-fold probability, and the given label's class threshold (why it was flagged). */
  suggestedConfidence: number | null;
  labelThreshold: number | null;
  /** The kept image of this image's near-duplicate group (itself when it is the one kept), and the group's size. */
  duplicateGroup: string | null;
  duplicateCount: number;
  autoFlags: string[];
  /** The viewer's own decision; other curators' decisions are never sent. */
  myDecision: DecisionState | null;
}

/** The filters of one page as SQL conditions on `image i`, each shaped so the planner walks an index. */
function conditions(viewerId: string, input: PageInput): Prisma.Sql[] {
  const c = input.cursor;
  // With id order, every row of the page lies past the cursor; repeating that bound inside the
  // subqueries lets the planner start their index scans there instead of at the first image.
  const past = (column: Prisma.Sql) => (c && input.sort === "id" ? Prisma.sql`AND ${column} > ${c.id}::uuid` : Prisma.empty);
  const where = [Prisma.sql`i.label = ${input.label}`];
  if (input.split) where.push(input.split === "unassigned" ? Prisma.sql`i.split IS NULL` : Prisma.sql`i.split = ${input.split}::"Split"`);
  if (input.notReviewedByMe) {
    where.push(
      Prisma.sql`NOT EXISTS (SELECT 1 FROM review_decision d WHERE d."imageId" = i.id AND d."curatorId" = ${viewerId} ${past(Prisma.sql`d."imageId"`)})`,
    );
  }
  // Only images the viewer has decided on: nobody learns of others' decisions before their own.
  if (input.disagreements) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM review_consensus k WHERE k."imageId" = i.id AND k.disagree ${past(Prisma.sql`k."imageId"`)})`);
    where.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM review_resolution r WHERE r."imageId" = i.id)`);
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM review_decision d WHERE d."imageId" = i.id AND d."curatorId" = ${viewerId})`);
  }
  if (input.flag) {
    // One correlated subquery over a UNION ALL, probed per row through the two unique indexes; an OR
    // of two EXISTS would be planned as two hashed subplans that read every flag and decision first.
    where.push(Prisma.sql`EXISTS (
      SELECT 1 FROM image_flag f WHERE f."imageId" = i.id AND f.reason = ${input.flag}::"FlagReason"
      UNION ALL
      SELECT 1 FROM review_decision d WHERE d."imageId" = i.id AND d."curatorId" = ${viewerId} AND ${input.flag}::"FlagReason" = ANY (d.flags))`);
  }
  where.push(...signalConditions(input), ...sortConditions(input.sort, c));
  return where;
}

interface PageRow extends Omit<ReviewImage, "myDecision" | "duplicateCount"> {
  duplicateCount: bigint | number;
  myKind: string | null;
  myLabel: string | null;
  myFlags: string[] | null;
  mySuggestedLabel: string | null;
  myVersion: number | null;
}

/**
 * The one statement behind a page: the keyset page of images (walking the (label, id),
 * (label, split, id) or (label, signal, id) index), each with its screening flags, its
 * near-duplicate group's size and the viewer's own decision. Exported so `pnpm bench:review`
 * can time it inside PostgreSQL.
 */
export function pageQuery(viewerId: string, input: PageInput): Prisma.Sql {
  return Prisma.sql`
    SELECT p.id::text AS id, p.label, p.split::text AS split, p.width, p.height, p."blurScore", p.contrast, p."faceCount", p."faceScore",
           p."ocrScore", p."ocrText", p."suggestedLabel", p."labelConfidence", p."mislabelScore", p."suggestedConfidence", p."labelThreshold", p."duplicateGroup"::text AS "duplicateGroup",
           CASE WHEN p."duplicateGroup" IS NULL THEN 0 ELSE (SELECT count(*) FROM image g WHERE g."duplicateGroup" = p."duplicateGroup") END AS "duplicateCount",
           ARRAY(SELECT DISTINCT f.reason::text FROM image_flag f WHERE f."imageId" = p.id ORDER BY 1) AS "autoFlags",
           d.kind::text AS "myKind", d.label AS "myLabel", d.flags::text[] AS "myFlags", d."suggestedLabel" AS "mySuggestedLabel", d.version AS "myVersion"
      FROM (
        SELECT i.id, i.label, i.split, i.width, i.height, i."blurScore", i.contrast, i."faceCount", i."faceScore", i."ocrScore", i."ocrText",
               i."suggestedLabel", i."labelConfidence", i."mislabelScore", i."suggestedConfidence", i."labelThreshold", i."duplicateGroup"
          FROM image i
         WHERE ${Prisma.join(conditions(viewerId, input), " AND ")}
         ORDER BY ${sortOrderSql(input.sort, "i")}
         LIMIT ${input.limit + 1}
      ) p
      LEFT JOIN review_decision d ON d."imageId" = p.id AND d."curatorId" = ${viewerId}
     ORDER BY ${sortOrderSql(input.sort, "p")}`;
}

/** One page of the review grid for one class, in one round trip (see pageQuery). */
export async function reviewPage(db: Db, viewerId: string, input: PageInput) {
  const rows = await db.$queryRaw<PageRow[]>(pageQuery(viewerId, input));
  const items: ReviewImage[] = rows.slice(0, input.limit).map(({ myKind, myLabel, myFlags, mySuggestedLabel, myVersion, duplicateCount, ...image }) => ({
    ...image,
    duplicateCount: Number(duplicateCount),
    myDecision: myKind === null ? null : toState({ kind: myKind, label: myLabel, flags: myFlags ?? [], suggestedLabel: mySuggestedLabel, version: myVersion! }),
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > input.limit && last ? cursorAfter(input.sort, last) : null };
}

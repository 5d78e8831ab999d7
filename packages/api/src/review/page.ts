import { z } from "zod";
import { EXPRESSION_CLASSES } from "@mien/model";
import type { Db, Prisma } from "@mien/db";
import { decisionSelect, FLAG_REASONS, toState, type DecisionState } from "./state.ts";

export const PAGE_SIZE = 48;

export const REVIEW_SORTS = ["id", "blurriest"] as const;

export const pageInput = z.object({
  label: z.enum(EXPRESSION_CLASSES),
  /** "unassigned" is an image without a split; omitted means every split. */
  split: z.enum(["train", "val", "test", "unassigned"]).optional(),
  /** Images the automatic screening or the viewer flagged for this reason. */
  flag: z.enum(FLAG_REASONS).optional(),
  notReviewedByMe: z.boolean().default(false),
  /** Images the viewer has reviewed whose reviewers disagree, with no admin resolution yet. */
  disagreements: z.boolean().default(false),
  sort: z.enum(REVIEW_SORTS).default("id"),
  limit: z.number().int().min(1).max(100).default(PAGE_SIZE),
  /** Keyset cursor: the last row of the previous page. */
  cursor: z.object({ id: z.uuid(), blurScore: z.number() }).nullish(),
});
export type PageInput = z.infer<typeof pageInput>;

export interface ReviewImage {
  id: string;
  label: string;
  split: "train" | "val" | "test" | null;
  width: number;
  height: number;
  blurScore: number;
  faceCount: number | null;
  autoFlags: string[];
  /** The viewer's own decision; other curators' decisions are never sent. */
  myDecision: DecisionState | null;
}

/**
 * One page of the review grid for one class. Keyset paging on id within (label, split) walks the
 * (label, split, id) index; "blurriest" pages on (blurScore, id) instead.
 */
export async function reviewPage(db: Db, viewerId: string, input: PageInput) {
  const where: Prisma.ImageWhereInput = { label: input.label };
  if (input.split) where.split = input.split === "unassigned" ? null : input.split;
  const and: Prisma.ImageWhereInput[] = [];
  if (input.notReviewedByMe) and.push({ decisions: { none: { curatorId: viewerId } } });
  // Only images the viewer has decided on: nobody learns of others' decisions before their own.
  if (input.disagreements) {
    and.push({ consensus: { is: { disagree: true } }, resolution: { is: null }, decisions: { some: { curatorId: viewerId } } });
  }
  if (input.flag) {
    and.push({
      OR: [
        { flags: { some: { reason: input.flag } } },
        { decisions: { some: { curatorId: viewerId, flags: { has: input.flag } } } },
      ],
    });
  }
  const c = input.cursor;
  if (c) {
    and.push(
      input.sort === "blurriest"
        ? { OR: [{ blurScore: { gt: c.blurScore } }, { blurScore: c.blurScore, id: { gt: c.id } }] }
        : { id: { gt: c.id } },
    );
  }
  if (and.length) where.AND = and;

  const rows = await db.image.findMany({
    where,
    orderBy: input.sort === "blurriest" ? [{ blurScore: "asc" }, { id: "asc" }] : [{ id: "asc" }],
    take: input.limit + 1,
    select: {
      id: true,
      label: true,
      split: true,
      width: true,
      height: true,
      blurScore: true,
      faceCount: true,
      flags: { select: { reason: true }, distinct: ["reason"] },
      decisions: { where: { curatorId: viewerId }, select: decisionSelect },
    },
  });
  const more = rows.length > input.limit;
  const items: ReviewImage[] = rows.slice(0, input.limit).map(({ flags, decisions, ...image }) => ({
    ...image,
    autoFlags: flags.map((f) => f.reason),
    myDecision: toState(decisions[0] ?? null),
  }));
  const last = items.at(-1);
  return { items, nextCursor: more && last ? { id: last.id, blurScore: last.blurScore } : null };
}

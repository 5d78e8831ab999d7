import { z } from "zod";

import { audit, Prisma, type Db } from "@mien/db";

/** The admin setting that says how many curators must review an image before it counts. */
export const REVIEWS_REQUIRED_KEY = "review.reviewsRequired";
export const DEFAULT_REVIEWS_REQUIRED = 1;
export const reviewsRequiredSchema = z.number().int().min(1).max(10);

export type ResolutionOutcome = "accept" | "relabel" | "remove";

export type EffectiveStatus =
  | { status: "pending"; reviews: number; required: number }
  | { status: "accepted" | "flagged"; reviews: number; required: number }
  | { status: "relabelled"; label: string; reviews: number; required: number }
  | { status: "conflict"; reviews: number; required: number }
  /** An admin ruled on the image; this wins over the curators' consensus. */
  | { status: "resolved"; outcome: ResolutionOutcome; label: string | null; reviews: number; required: number };

interface DecisionLike {
  kind: "accept" | "relabel" | "flag";
  label: string | null;
  flags: readonly string[];
  suggestedLabel: string | null;
}

/**
 * What a decision asks for: "accept", "flag" (remove) or "relabel:<class>". A lone "mislabelled"
 * flag with a suggestion is a relabel, and a relabel to the image's own class is an accept. This
 * mirrors the database function mien_review_outcome, which the consensus trigger uses.
 */
export function outcomeOf(d: DecisionLike, imageLabel?: string): string {
  if (d.kind === "accept") return "accept";
  const target = d.kind === "relabel" ? d.label : d.flags.length === 1 && d.flags[0] === "mislabelled" ? d.suggestedLabel : null;
  if (d.kind === "flag" && target === null) return "flag";
  return target === imageLabel ? "accept" : `relabel:${target}`;
}

/**
 * An image's status: an admin's resolution wins; otherwise fewer than `required` reviews is
 * pending, and with enough reviews it is the outcome every reviewer agrees on, or a conflict.
 */
export function effectiveStatus(
  decisions: readonly DecisionLike[],
  required: number,
  context: { imageLabel?: string; resolution?: { outcome: ResolutionOutcome; label: string | null } | null } = {},
): EffectiveStatus {
  const reviews = decisions.length;
  if (context.resolution) return { status: "resolved", outcome: context.resolution.outcome, label: context.resolution.label, reviews, required };
  if (reviews < required) return { status: "pending", reviews, required };
  const outcomes = new Set(decisions.map((d) => outcomeOf(d, context.imageLabel)));
  if (outcomes.size !== 1) return { status: "conflict", reviews, required };
  const [outcome] = outcomes as Set<string>;
  if (outcome === "accept") return { status: "accepted", reviews, required };
  if (outcome === "flag") return { status: "flagged", reviews, required };
  return { status: "relabelled", label: outcome!.slice("relabel:".length), reviews, required };
}

export async function reviewsRequired(db: Db | Prisma.TransactionClient): Promise<number> {
  const row = await db.appSetting.findUnique({ where: { key: REVIEWS_REQUIRED_KEY } });
  const parsed = reviewsRequiredSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : DEFAULT_REVIEWS_REQUIRED;
}

/** Sets the number of reviews an image needs, audited as "settings.set". */
export async function setReviewsRequired(db: Db, args: { actorId: string; value: number }): Promise<{ value: number; changed: boolean }> {
  return db.$transaction(async (tx) => {
    const before = await reviewsRequired(tx);
    if (before === args.value) return { value: before, changed: false };
    await tx.appSetting.upsert({
      where: { key: REVIEWS_REQUIRED_KEY },
      create: { key: REVIEWS_REQUIRED_KEY, value: args.value, updatedById: args.actorId },
      update: { value: args.value, updatedById: args.actorId },
    });
    await audit(tx, {
      actorId: args.actorId,
      action: "settings.set",
      entityType: "setting",
      entityId: REVIEWS_REQUIRED_KEY,
      before: { value: before },
      after: { value: args.value },
    });
    return { value: args.value, changed: true };
  });
}

export const conflictsInput = z.object({
  /** "open": conflicts waiting for an admin; "resolved": images an admin has ruled on. */
  state: z.enum(["open", "resolved"]).default("open"),
  limit: z.number().int().min(1).max(100).default(48),
  /** Keyset cursor: the last image id of the previous page. */
  cursor: z.uuid().nullish(),
});

/**
 * The admin's resolution queue, keyset-paged by image id: open conflicts (enough reviews, reviewers
 * disagree, no resolution yet; found through the review_consensus summary, not a scan of every
 * decision), or the images already resolved. Each comes with every curator's decision.
 */
export async function listConflicts(db: Db, input: z.infer<typeof conflictsInput>) {
  const required = await reviewsRequired(db);
  const after = input.cursor ? Prisma.sql`AND c."imageId" > ${input.cursor}::uuid` : Prisma.empty;
  const openWhere = Prisma.sql`c.disagree AND c.reviews >= ${required}
    AND NOT EXISTS (SELECT 1 FROM review_resolution r WHERE r."imageId" = c."imageId")`;
  const [ids, [counted]] = await Promise.all([
    input.state === "open"
      ? db.$queryRaw<{ imageId: string }[]>`SELECT c."imageId"::text AS "imageId" FROM review_consensus c
          WHERE ${openWhere} ${after} ORDER BY c."imageId" LIMIT ${input.limit + 1}`
      : db.$queryRaw<{ imageId: string }[]>`SELECT c."imageId"::text AS "imageId" FROM review_resolution c
          WHERE true ${after} ORDER BY c."imageId" LIMIT ${input.limit + 1}`,
    input.state === "open"
      ? db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM review_consensus c WHERE ${openWhere}`
      : db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM review_resolution`,
  ]);
  const page = ids.slice(0, input.limit).map((r) => r.imageId);
  const images = await db.image.findMany({
    where: { id: { in: page } },
    orderBy: { id: "asc" },
    select: {
      id: true,
      label: true,
      split: true,
      decisions: {
        orderBy: { updatedAt: "asc" },
        select: { kind: true, label: true, flags: true, suggestedLabel: true, updatedAt: true, curator: { select: { id: true, name: true, email: true } } },
      },
      resolution: {
        select: { outcome: true, label: true, note: true, version: true, updatedAt: true, resolvedBy: { select: { id: true, name: true, email: true } } },
      },
    },
  });
  return {
    required,
    total: counted?.n ?? 0,
    items: images.map((image) => ({
      ...image,
      status: effectiveStatus(image.decisions, required, { imageLabel: image.label, resolution: image.resolution }),
    })),
    nextCursor: ids.length > input.limit ? (page.at(-1) ?? null) : null,
  };
}

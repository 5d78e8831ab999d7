import { z } from "zod";
import { Prisma, type Db } from "@mien/db";

/** The admin setting that says how many curators must review an image before it counts. */
export const REVIEWS_REQUIRED_KEY = "review.reviewsRequired";
export const DEFAULT_REVIEWS_REQUIRED = 1;
export const reviewsRequiredSchema = z.number().int().min(1).max(10);

export type EffectiveStatus =
  | { status: "pending"; reviews: number; required: number }
  | { status: "accepted" | "flagged"; reviews: number; required: number }
  | { status: "relabelled"; label: string; reviews: number; required: number }
  | { status: "conflict"; reviews: number; required: number };

interface DecisionLike {
  kind: "accept" | "relabel" | "flag";
  label: string | null;
  flags: readonly string[];
  suggestedLabel: string | null;
}

/** What a decision asks for: keep, move to a label, or remove. A "mislabelled" flag alone is a relabel. */
export function outcomeOf(d: DecisionLike): string {
  if (d.kind === "accept") return "accept";
  if (d.kind === "relabel") return `relabel:${d.label}`;
  if (d.flags.length === 1 && d.flags[0] === "mislabelled" && d.suggestedLabel) return `relabel:${d.suggestedLabel}`;
  return "flag";
}

/**
 * An image's status under the rule: fewer than `required` reviews is pending; otherwise the
 * outcome every reviewer agrees on, or a conflict for an admin to resolve.
 */
export function effectiveStatus(decisions: readonly DecisionLike[], required: number): EffectiveStatus {
  const reviews = decisions.length;
  if (reviews < required) return { status: "pending", reviews, required };
  const outcomes = new Set(decisions.map(outcomeOf));
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
    await tx.auditLog.create({
      data: {
        actorId: args.actorId,
        action: "settings.set",
        entityType: "setting",
        entityId: REVIEWS_REQUIRED_KEY,
        before: { value: before },
        after: { value: args.value },
      },
    });
    return { value: args.value, changed: true };
  });
}

export const conflictsInput = z.object({
  limit: z.number().int().min(1).max(100).default(48),
  /** Keyset cursor: the last image id of the previous page. */
  cursor: z.uuid().nullish(),
});

/** The SQL twin of outcomeOf, so conflicts are found in one grouped scan of review_decision. */
const OUTCOME_SQL = Prisma.sql`CASE
  WHEN d.kind = 'accept' THEN 'accept'
  WHEN d.kind = 'relabel' THEN 'relabel:' || d.label
  WHEN d.flags = ARRAY['mislabelled']::"FlagReason"[] AND d."suggestedLabel" IS NOT NULL THEN 'relabel:' || d."suggestedLabel"
  ELSE 'flag' END`;

/** Images with enough reviews whose reviewers disagree, with every decision (admins only), keyset-paged by image id. */
export async function listConflicts(db: Db, input: z.infer<typeof conflictsInput>) {
  const required = await reviewsRequired(db);
  const ids = await db.$queryRaw<{ imageId: string }[]>`
    SELECT d."imageId"::text AS "imageId" FROM review_decision d
    ${input.cursor ? Prisma.sql`WHERE d."imageId" > ${input.cursor}::uuid` : Prisma.empty}
    GROUP BY d."imageId"
    HAVING count(*) >= ${required} AND count(DISTINCT ${OUTCOME_SQL}) > 1
    ORDER BY d."imageId" LIMIT ${input.limit + 1}`;
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
    },
  });
  return {
    required,
    items: images.map((image) => ({ ...image, status: effectiveStatus(image.decisions, required) })),
    nextCursor: ids.length > input.limit ? (page.at(-1) ?? null) : null,
  };
}

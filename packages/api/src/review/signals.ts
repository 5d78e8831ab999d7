import { z } from "zod";

import { Prisma } from "@mien/db";

/**
 * Screening signals in the review grid: sort orders (each walks an index on (label, signal, id)
 * with keyset paging) and threshold filters. Images a run has not screened yet have no value
 * for a signal and are left out of orders and filters on it.
 */
export const REVIEW_SORTS = ["id", "blurriest", "flattest", "least-face", "text", "suspicious", "duplicates"] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

type SignalField = "blurScore" | "contrast" | "faceScore" | "ocrScore" | "mislabelScore" | "duplicateGroup";

interface SortSpec {
  field: SignalField | null;
  direction: "asc" | "desc";
  /** Screening fills it in; unscreened images have none (blur and contrast come with the import). */
  nullable?: true;
}

export const SORT_SPECS: Readonly<Record<ReviewSort, SortSpec>> = {
  id: { field: null, direction: "asc" },
  blurriest: { field: "blurScore", direction: "asc" },
  flattest: { field: "contrast", direction: "asc" },
  "least-face": { field: "faceScore", direction: "asc", nullable: true },
  text: { field: "ocrScore", direction: "desc", nullable: true },
  suspicious: { field: "mislabelScore", direction: "desc", nullable: true },
  // Members of one near-duplicate group sit next to each other.
  duplicates: { field: "duplicateGroup", direction: "asc", nullable: true },
};

/** Keyset cursor: the last row's id and its value of the sort's signal. */
export const pageCursor = z.object({ id: z.uuid(), value: z.union([z.number(), z.uuid()]).nullable().default(null) });
export type PageCursor = z.infer<typeof pageCursor>;

const unit = z.number().min(0).max(1);

/** Threshold filters on screening signals (all optional; combined with AND). */
export const signalFilters = {
  /** Faces the detector counted: none, exactly one, or several. */
  faces: z.enum(["none", "one", "several"]).optional(),
  /** Only images whose suggested label (confident learning) differs from their label. */
  suggestedDiffers: z.boolean().default(false),
  /** Only images in a near-duplicate group. */
  inDuplicateGroup: z.boolean().default(false),
  /** Sharpness (variance of the Laplacian) at most this. */
  maxBlur: z.number().min(0).max(1e6).optional(),
  /** Grey-level spread at most this. */
  maxContrast: z.number().min(0).max(255).optional(),
  /** Detector confidence of the best face at most this. */
  maxFaceScore: unit.optional(),
  /** OCR score at least this. */
  minText: unit.optional(),
  /** Mislabel suspicion at least this. */
  minSuspicion: unit.optional(),
};
type SignalFilterInput = z.output<z.ZodObject<typeof signalFilters>>;

const col = (field: SignalField) => Prisma.raw(`i."${field}"`);

/** The signal filters as SQL conditions on `image i` (suggested-differs compares two columns). */
export function signalConditions(input: SignalFilterInput): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (input.faces === "none") where.push(Prisma.sql`i."faceCount" = 0`);
  if (input.faces === "one") where.push(Prisma.sql`i."faceCount" = 1`);
  if (input.faces === "several") where.push(Prisma.sql`i."faceCount" >= 2`);
  if (input.suggestedDiffers) where.push(Prisma.sql`i."suggestedLabel" IS NOT NULL AND i."suggestedLabel" <> i.label`);
  if (input.inDuplicateGroup) where.push(Prisma.sql`i."duplicateGroup" IS NOT NULL`);
  if (input.maxBlur !== undefined) where.push(Prisma.sql`i."blurScore" <= ${input.maxBlur}`);
  if (input.maxContrast !== undefined) where.push(Prisma.sql`i.contrast <= ${input.maxContrast}`);
  if (input.maxFaceScore !== undefined) where.push(Prisma.sql`i."faceScore" <= ${input.maxFaceScore}`);
  if (input.minText !== undefined) where.push(Prisma.sql`i."ocrScore" >= ${input.minText}`);
  if (input.minSuspicion !== undefined) where.push(Prisma.sql`i."mislabelScore" >= ${input.minSuspicion}`);
  return where;
}

/**
 * Conditions for one sort: its signal must be known, and rows come after the cursor. The cursor is
 * a row comparison on (signal, id), which PostgreSQL turns into an index range on (label, signal, id).
 */
export function sortConditions(sort: ReviewSort, cursor: PageCursor | null | undefined): Prisma.Sql[] {
  const { field, direction, nullable } = SORT_SPECS[sort];
  if (!field) return cursor ? [Prisma.sql`i.id > ${cursor.id}::uuid`] : [];
  const where: Prisma.Sql[] = nullable ? [Prisma.sql`${col(field)} IS NOT NULL`] : [];
  if (cursor && cursor.value !== null) {
    const value = field === "duplicateGroup" ? Prisma.sql`${String(cursor.value)}::uuid` : Prisma.sql`${Number(cursor.value)}::float8`;
    const op = Prisma.raw(direction === "asc" ? ">" : "<");
    where.push(Prisma.sql`(${col(field)}, i.id) ${op} (${value}, ${cursor.id}::uuid)`);
  }
  return where;
}

/** ORDER BY for one sort over the rows of `alias` (ties on id, in the sort's direction). */
export function sortOrderSql(sort: ReviewSort, alias: string): Prisma.Sql {
  const { field, direction } = SORT_SPECS[sort];
  const dir = direction === "asc" ? "ASC" : "DESC";
  return Prisma.raw(field ? `${alias}."${field}" ${dir}, ${alias}.id ${dir}` : `${alias}.id ASC`);
}

/** The cursor after `row` for this sort. */
export function cursorAfter(sort: ReviewSort, row: { id: string } & Partial<Record<SignalField, number | string | null>>): PageCursor {
  const { field } = SORT_SPECS[sort];
  return { id: row.id, value: field ? (row[field] ?? null) : null };
}

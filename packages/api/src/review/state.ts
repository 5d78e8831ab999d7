import { z } from "zod";

import { Prisma, type FlagReason } from "@mien/db";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

/**
 * The flag reasons in the order people meet them: the review page's keys u, t, f, d, then the
 * relabel suggestion. Prisma's `FlagReason` enum lists the same values in the order they were
 * added to the database (reordering a PostgreSQL enum needs a new type); the checks below keep
 * the two sets equal.
 */
export const FLAG_REASONS = ["unclear", "text_overlay", "no_face", "duplicate", "mislabelled"] as const satisfies readonly FlagReason[];
export type FlagReasonName = (typeof FLAG_REASONS)[number];
// Fails to compile, naming the reason, when the database gains one this list lacks.
type UnlistedReason = Exclude<FlagReason, FlagReasonName>;
export const ALL_FLAG_REASONS_LISTED: [UnlistedReason] extends [never] ? true : UnlistedReason = true;

/** Audit actions written by the review domain. */
export const REVIEW_ACTIONS = { decide: "review.decide", bulkFlag: "review.bulk_flag", undo: "review.undo" } as const;

/** One curator's live decision on one image, as audited (before/after) and shown to that curator. */
export interface DecisionState {
  kind: "accept" | "relabel" | "flag";
  label: string | null;
  flags: FlagReasonName[];
  suggestedLabel: string | null;
  version: number;
}

export const decisionSelect = { kind: true, label: true, flags: true, suggestedLabel: true, version: true } as const;

export function toState(
  row: { kind: string; label: string | null; flags: string[]; suggestedLabel: string | null; version: number } | null,
): DecisionState | null {
  if (!row) return null;
  return {
    kind: row.kind as DecisionState["kind"],
    label: row.label,
    flags: row.flags as FlagReasonName[],
    suggestedLabel: row.suggestedLabel,
    version: row.version,
  };
}

/** DecisionState as stored in audit_log's JSON columns (SQL NULL for "no decision"). */
export function asJson(state: DecisionState | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return state ? { ...state } : Prisma.DbNull;
}

/** Reads a DecisionState back from an audit row's JSON. */
export function fromJson(value: Prisma.JsonValue | null): DecisionState | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  return value as unknown as DecisionState;
}

const classSchema = z.enum(EXPRESSION_CLASSES);
const flagsSchema = z
  .array(z.enum(FLAG_REASONS))
  .min(1, "Choose at least one reason.")
  .max(FLAG_REASONS.length)
  .transform((flags) => [...new Set(flags)]);

/** What a curator decides about one image. */
export const decisionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("accept") }),
  z.object({ kind: z.literal("relabel"), label: classSchema }),
  z.object({ kind: z.literal("flag"), flags: flagsSchema, suggestedLabel: classSchema.optional() }),
]);
export type Decision = z.infer<typeof decisionSchema>;

export const decideInput = z.object({
  imageId: z.uuid(),
  decision: decisionSchema,
  /** The version the caller last saw (null: no decision yet). Omit to overwrite unconditionally. */
  expectedVersion: z.number().int().min(1).max(1_000_000).nullable().optional(),
});

export const bulkFlagInput = z.object({
  imageIds: z.array(z.uuid()).min(1).max(500),
  flags: flagsSchema,
  suggestedLabel: classSchema.optional(),
});

export const imageInput = z.object({ imageId: z.uuid() });

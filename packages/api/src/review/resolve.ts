import { z } from "zod";

import { audit, Prisma, type Db } from "@mien/db";
import { AppError } from "@mien/errors";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import type { ResolutionOutcome } from "./consensus.ts";

/** Audit action of an admin's ruling on an image (kept apart from REVIEW_ACTIONS, which undo walks). */
export const RESOLVE_ACTION = "review.resolve";

/** An admin's ruling on one image, as stored, audited (before/after) and shown. */
export interface ResolutionState {
  outcome: ResolutionOutcome;
  label: string | null;
  note: string | null;
  version: number;
}

export const resolveInput = z.object({
  imageId: z.uuid(),
  resolution: z.discriminatedUnion("outcome", [
    z.object({ outcome: z.literal("accept") }),
    z.object({ outcome: z.literal("relabel"), label: z.enum(EXPRESSION_CLASSES) }),
    z.object({ outcome: z.literal("remove") }),
  ]),
  note: z.string().trim().max(500).optional(),
  /** The resolution version the admin last saw (null: none yet). Omit to overwrite unconditionally. */
  expectedVersion: z.number().int().min(1).max(1_000_000).nullable().optional(),
});
export type ResolveInput = z.infer<typeof resolveInput>;

const select = { outcome: true, label: true, note: true, version: true } as const;

const asJson = (state: ResolutionState | null) => (state ? { ...state } : Prisma.DbNull);

/**
 * Records an admin's ruling on an image (accept its label, move it to a class, or remove it from
 * the curated set), audited in the same transaction. A relabel to the image's own class is an
 * accept. A stale `expectedVersion` (another admin ruled meanwhile) is refused with CONFLICT.
 */
export async function resolve(db: Db, args: ResolveInput & { adminId: string }): Promise<ResolutionState> {
  try {
    return await db.$transaction(async (tx) => {
      const image = await tx.image.findUnique({ where: { id: args.imageId }, select: { label: true } });
      if (!image) throw new AppError("NOT_FOUND", "This image no longer exists. Reload the queue.");
      const before = await tx.reviewResolution.findUnique({ where: { imageId: args.imageId }, select });
      if (args.expectedVersion !== undefined && (before?.version ?? null) !== args.expectedVersion) throw stale();

      const relabel = args.resolution.outcome === "relabel" && args.resolution.label !== image.label;
      const columns = {
        outcome: relabel ? ("relabel" as const) : args.resolution.outcome === "remove" ? ("remove" as const) : ("accept" as const),
        label: relabel && args.resolution.outcome === "relabel" ? args.resolution.label : null,
        note: args.note || null,
      };
      let after: ResolutionState;
      if (before) {
        const { count } = await tx.reviewResolution.updateMany({
          where: { imageId: args.imageId, version: before.version },
          data: { ...columns, resolvedById: args.adminId, version: { increment: 1 } },
        });
        if (count !== 1) throw stale();
        after = { ...columns, version: before.version + 1 };
      } else {
        await tx.reviewResolution.create({ data: { imageId: args.imageId, ...columns, resolvedById: args.adminId } });
        after = { ...columns, version: 1 };
      }
      await audit(tx, {
        actorId: args.adminId,
        action: RESOLVE_ACTION,
        entityType: "image",
        entityId: args.imageId,
        imageId: args.imageId,
        before: asJson(before as ResolutionState | null),
        after: asJson(after),
      });
      return after;
    });
  } catch (err) {
    // Two admins creating the first resolution at once: the loser sees a conflict, not a crash.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw stale();
    throw err;
  }
}

function stale(): AppError {
  return new AppError("CONFLICT", "Another admin resolved this image while you were looking. Reload the queue to see their ruling, then decide again.");
}

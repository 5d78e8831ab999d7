import { createHash } from "node:crypto";

import { z } from "zod";

import { readManifest } from "@mien/dataset/snapshot";
import { audit, type Db } from "@mien/db";
import { AppError } from "@mien/errors";
import { isExpressionClass, type ExpressionClass } from "@mien/model/classes";
import type { Storage } from "@mien/storage";

export const pinEvalSetInput = z.discriminatedUnion("source", [
  z.object({
    source: z.literal("snapshot"),
    name: z.string().trim().min(1).max(100),
    snapshotId: z.uuid(),
    split: z.enum(["test", "val"]).default("test"),
  }),
  z.object({
    source: z.literal("import"),
    name: z.string().trim().min(1).max(100),
    importRunId: z.uuid(),
    split: z.enum(["train", "val", "test"]).optional(),
  }),
]);
export type PinEvalSetInput = z.input<typeof pinEvalSetInput>;

interface Item {
  sha256: string;
  label: ExpressionClass;
}

/** sha256 over the sorted lines "sha256\tlabel\n", as snapshot manifests are hashed. */
export function evalSetHash(items: readonly Item[]): string {
  const h = createHash("sha256");
  for (const i of items) h.update(`${i.sha256}\t${i.label}\n`);
  return h.digest("hex");
}

async function itemsOf(db: Db, storage: Storage, input: z.output<typeof pinEvalSetInput>): Promise<{ items: Item[]; describe: string }> {
  if (input.source === "snapshot") {
    const snapshot = await db.datasetSnapshot.findUnique({ where: { id: input.snapshotId }, select: { name: true, manifestKey: true, contentHash: true } });
    if (!snapshot) throw new AppError("NOT_FOUND", "No such snapshot.");
    const manifest = await readManifest(storage, snapshot.manifestKey, snapshot.contentHash);
    const items = manifest.entries.filter((e) => e.split === input.split).map((e) => ({ sha256: e.sha256, label: e.label }));
    return { items, describe: `the ${input.split} split of snapshot “${snapshot.name}”` };
  }
  const run = await db.importRun.findUnique({ where: { id: input.importRunId }, select: { root: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such import.");
  const images = await db.image.findMany({
    where: { importRunId: input.importRunId, ...(input.split ? { split: input.split } : {}) },
    select: { sha256: true, sourceClass: true, label: true },
  });
  // The label as imported: a pinned set must not move when curators relabel the working set.
  const items = images.flatMap((i) => {
    const label = i.sourceClass ?? i.label;
    return isExpressionClass(label) ? [{ sha256: i.sha256, label }] : [];
  });
  return { items, describe: `${input.split ? `the ${input.split} images` : "the images"} of the import of ${run.root}` };
}

const setSelect = {
  id: true,
  name: true,
  contentHash: true,
  source: true,
  snapshotId: true,
  importRunId: true,
  split: true,
  imageCount: true,
  classCounts: true,
  createdAt: true,
} as const;

/**
 * Pins an evaluation set: a snapshot's test (or val) split, or the images of an import. Its items
 * are stored in sha256 order under a content hash; pinning the same content again returns the set
 * already pinned. The database refuses to change or delete a pinned set.
 */
export async function pinEvalSet(db: Db, storage: Storage, rawInput: PinEvalSetInput, actorId: string) {
  const input = pinEvalSetInput.parse(rawInput);
  const { items, describe } = await itemsOf(db, storage, input);
  if (!items.length) throw new AppError("PRECONDITION_FAILED", `Nothing to pin: ${describe} has no labelled images.`);
  items.sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
  const contentHash = evalSetHash(items);
  const existing = await db.evalSet.findUnique({ where: { contentHash }, select: setSelect });
  if (existing) return { set: existing, created: false };
  const classCounts: Partial<Record<ExpressionClass, number>> = {};
  for (const i of items) classCounts[i.label] = (classCounts[i.label] ?? 0) + 1;
  try {
    const set = await db.$transaction(async (tx) => {
      const row = await tx.evalSet.create({
        data: {
          name: input.name,
          contentHash,
          source: input.source,
          snapshotId: input.source === "snapshot" ? input.snapshotId : null,
          importRunId: input.source === "import" ? input.importRunId : null,
          split: input.split ?? null,
          imageCount: items.length,
          classCounts,
          createdById: actorId,
        },
        select: setSelect,
      });
      await tx.evalSetItem.createMany({ data: items.map((it, position) => ({ setId: row.id, position, sha256: it.sha256, label: it.label })) });
      await audit(tx, {
        actorId,
        action: "evalset.pin",
        entityType: "eval_set",
        entityId: row.id,
        after: { name: row.name, contentHash, imageCount: items.length, from: describe },
      });
      return row;
    });
    return { set, created: true };
  } catch (error) {
    // Pinned at the same moment by someone else: theirs is the set.
    const raced = await db.evalSet.findUnique({ where: { contentHash }, select: setSelect });
    if (raced) return { set: raced, created: false };
    throw error;
  }
}

import { z } from "zod";

import type { Db } from "@mien/db";
import { AppError } from "@mien/errors";

import { snapshotSelect } from "./create.ts";

export const snapshotIdInput = z.object({ id: z.uuid() });

/** Every snapshot, newest first (there are few: one per freeze of distinct content). */
export async function listSnapshots(db: Db) {
  return db.datasetSnapshot.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: { ...snapshotSelect, _count: { select: { trainingJobs: true } } },
  });
}

/** One snapshot with its class balance, drop counts and how many training runs pinned it. */
export async function getSnapshot(db: Db, id: string) {
  const snapshot = await db.datasetSnapshot.findUnique({ where: { id }, select: { ...snapshotSelect, _count: { select: { trainingJobs: true } } } });
  if (!snapshot) throw new AppError("NOT_FOUND", "No such snapshot. Pick one from the snapshots page.");
  return snapshot;
}

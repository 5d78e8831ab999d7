import type { Db } from "@mien/db";
import { DEFAULT_TRAINING_CONFIG } from "@mien/jobs/training";
import { backboneProvenance, OFFERED_BACKBONES, offeredBackboneHint } from "@mien/model";

/** What the admin form offers: snapshots (newest first), the offered backbones with their measured figures and provenance, the defaults. */
export async function trainingOptions(db: Db) {
  const snapshots = await db.datasetSnapshot.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, name: true, contentHash: true, imageCount: true, classCounts: true, createdAt: true },
  });
  return {
    snapshots: snapshots.map((s) => ({ ...s, classCounts: s.classCounts as Partial<Record<"train" | "val" | "test", Partial<Record<string, number>>>> })),
    backbones: OFFERED_BACKBONES.map((b) => ({ id: b.id, measured: offeredBackboneHint(b), provenance: backboneProvenance(b.id) })),
    defaults: DEFAULT_TRAINING_CONFIG,
  };
}

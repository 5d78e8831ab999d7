import type { Db } from "@mien/db";
import { DEFAULT_TRAINING_CONFIG } from "@mien/jobs/training";
import { backboneProvenance, OFFERED_BACKBONES, offeredBackboneHint } from "@mien/model";
import type { ArtifactManifest } from "@mien/model/manifest";

/** What the admin form offers: snapshots (newest first), versions to distil from, the offered backbones with their measured figures and provenance, the defaults. */
export async function trainingOptions(db: Db) {
  const snapshots = await db.datasetSnapshot.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 100,
    select: { id: true, name: true, contentHash: true, imageCount: true, classCounts: true, createdAt: true },
  });
  const versions = await db.modelVersion.findMany({ orderBy: { number: "desc" }, take: 50, select: { number: true, contentHash: true, manifest: true } });
  return {
    /** Registered versions a scratch job can distil from, newest first, with their val accuracy. */
    teachers: versions.map((v) => {
      const m = v.manifest as unknown as ArtifactManifest;
      return { ref: `v${v.number}`, number: v.number, name: m.name, valAccuracy: m.metrics.val?.accuracy ?? null };
    }),
    snapshots: snapshots.map((s) => ({ ...s, classCounts: s.classCounts as Partial<Record<"train" | "val" | "test", Partial<Record<string, number>>>> })),
    backbones: OFFERED_BACKBONES.map((b) => ({ id: b.id, measured: offeredBackboneHint(b), provenance: backboneProvenance(b.id) })),
    defaults: DEFAULT_TRAINING_CONFIG,
  };
}

import type { Db } from "@mien/db";
import { manifestMembers, manifestQuantization, type ArtifactManifest } from "@mien/model/manifest";
import { ACTIVE_ALIAS, rollbackTarget } from "@mien/registry";

/** Every version, newest first, with its val/test metrics and whether it is active. */
export async function listModelVersions(db: Db) {
  const [versions, active, target] = await Promise.all([
    db.modelVersion.findMany({
      orderBy: { number: "desc" },
      take: 200,
      select: { id: true, number: true, contentHash: true, manifest: true, createdAt: true, trainingJobId: true },
    }),
    db.modelAlias.findUnique({ where: { name: ACTIVE_ALIAS }, select: { versionId: true, updatedAt: true } }),
    rollbackTarget(db),
  ]);
  return {
    activeVersionId: active?.versionId ?? null,
    rollbackTo: target,
    versions: versions.map((v) => {
      const m = v.manifest as unknown as ArtifactManifest;
      return {
        id: v.id,
        number: v.number,
        contentHash: v.contentHash,
        createdAt: v.createdAt,
        trainingJobId: v.trainingJobId,
        name: m.name,
        classes: m.classes,
        backbones: m.backbones.map((b) => b.id),
        members: manifestMembers(m).map((x) => (x.kind === "head" ? `head on ${x.backbones.join(" + ")}` : x.architecture)),
        metrics: m.metrics,
        calibration: m.calibration,
        quantization: manifestQuantization(m),
        snapshot: m.snapshot,
      };
    }),
  };
}

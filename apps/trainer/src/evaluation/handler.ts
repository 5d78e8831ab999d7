import { UnrecoverableError, type Job } from "bullmq";

import type { Db, Prisma } from "@mien/db";
import { evaluationJobPayload, type EvaluationJobPayload } from "@mien/jobs";
import { isExpressionClass, loadExpressionModel, scoreModel, type ExpressionClass, type ModelSources } from "@mien/model";
import type { ArtifactManifest } from "@mien/model/manifest";
import { predictImages } from "@mien/model/node";
import type { Storage } from "@mien/storage";

import { versionFiles } from "../version-files.ts";

export interface EvaluationDeps {
  db: Db;
  storage: Storage;
  sources: ModelSources;
  backend: string;
  log: (line: string) => void;
}

const asJson = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * Scores one published version on one pinned set, through the same loader the coach uses, and
 * stores the metrics and each image's probabilities on the eval_score row. Images of classes the
 * version does not output are excluded and counted, never scored as wrong.
 */
export function createEvaluationHandler(deps: EvaluationDeps) {
  const { db, storage, log } = deps;
  return async function handleEvaluationJob(job: Job<EvaluationJobPayload>): Promise<{ scoreId: string; accuracy: number | null }> {
    const parsed = evaluationJobPayload.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`Evaluation job ${job.id} has an invalid payload: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    const { scoreId } = parsed.data;
    const row = await db.evalScore.findUnique({
      where: { id: scoreId },
      select: { status: true, setId: true, set: { select: { name: true } }, version: { select: { number: true, contentHash: true, manifest: true } } },
    });
    if (!row) throw new UnrecoverableError(`Evaluation job ${job.id}: score ${scoreId} has no row.`);
    if (row.status === "completed") return { scoreId, accuracy: null };
    await db.evalScore.update({ where: { id: scoreId }, data: { status: "running", error: null, backend: deps.backend } });

    const items = await db.evalSetItem.findMany({ where: { setId: row.setId }, orderBy: { position: "asc" }, select: { sha256: true, label: true } });
    const images = await db.image.findMany({ where: { sha256: { in: items.map((i) => i.sha256) } }, select: { sha256: true, storageKey: true } });
    const keyOf = new Map(images.map((i) => [i.sha256, i.storageKey]));
    const missing = items.filter((i) => !keyOf.has(i.sha256)).length;
    if (missing)
      throw new UnrecoverableError(
        `${missing} of the ${items.length} images of set “${row.set.name}” are no longer in the data set; the set cannot be scored.`,
      );
    const labels = items.map((i) => {
      if (!isExpressionClass(i.label))
        throw new UnrecoverableError(`Set “${row.set.name}” has an item labelled “${i.label}”, which is not an expression class.`);
      return i.label as ExpressionClass;
    });

    const manifest = row.version.manifest as unknown as ArtifactManifest;
    const hash = row.version.contentHash;
    const model = await loadExpressionModel(manifest, versionFiles(storage, hash), deps.sources);
    let probs: Float32Array;
    try {
      probs = await predictImages(
        model,
        items.map((i) => i.sha256),
        async (sha) => storage.get(keyOf.get(sha)!),
        {
          onProgress: async (done, total) => void (await job.updateProgress({ done, total })),
        },
      );
    } finally {
      model.dispose();
    }
    const known = labels.filter((l) => model.classes.includes(l)).length;
    if (!known) throw new UnrecoverableError(`Version ${row.version.number} outputs none of the classes of set “${row.set.name}”.`);
    const scored = scoreModel({ classes: model.classes, probs }, labels);
    const k = model.classes.length;
    const rows = items.map((_, i) => Array.from(probs.subarray(i * k, (i + 1) * k), (p) => Math.round(p * 1e6) / 1e6));
    await db.evalScore.update({
      where: { id: scoreId },
      data: {
        status: "completed",
        classes: scored.classes,
        excluded: scored.excluded,
        metrics: asJson(scored.report),
        predictions: asJson({ classes: model.classes, probs: rows }),
        finishedAt: new Date(),
      },
    });
    log(`evaluation: version ${row.version.number} on “${row.set.name}”: accuracy ${scored.report.accuracy} on ${scored.report.n} images`);
    return { scoreId, accuracy: scored.report.accuracy };
  };
}

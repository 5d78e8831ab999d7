import { createHash } from "node:crypto";

import { loadExpressionModel } from "../artifact/load.ts";
import { parseArtifactManifest, type ArtifactManifest, type ArtifactManifestV2 } from "../artifact/manifest.ts";
import { addClassBias, classShares, fitPriorStrength, fitTemperature, logProbs, priorBias, softmaxWithTemperature } from "../metrics.ts";
import { ownBuffer, type ModelSources } from "../model-files.ts";
import { abstainThreshold, evaluationReport } from "./evaluate.ts";
import { modelCard } from "./model-card.ts";
import { predictImages } from "./predict-images.node.ts";
import type { TrainingImage } from "./recipe.ts";

export interface FinalizeInput {
  /** The version's manifest without files, calibration or metrics (they are computed here). */
  base: Omit<ArtifactManifestV2, "files" | "metrics" | "calibration">;
  /** Every trained file (model.json, shards…); card.md and manifest.json are added. */
  files: Map<string, Uint8Array>;
  /**
   * Labelled images to score: val (required, also calibrates) and test (optional). With train's
   * labels, the correction of its class prior is fitted on val too.
   */
  splits: { train?: readonly TrainingImage[]; val: readonly TrainingImage[]; test: readonly TrainingImage[] };
  readImage(sha256: string): Promise<Uint8Array>;
  sources: ModelSources;
  abstainTargetAccuracy: number;
  onProgress?(done: number, total: number, split: "val" | "test"): Promise<void>;
}

export interface FinalizedVersion {
  manifest: ArtifactManifest;
  files: Map<string, Uint8Array>;
  /** sha256 of manifest.json: the version's content hash. */
  contentHash: string;
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** A version's content hash: the sha256 of its manifest.json, as written (the manifest lists every other file's hash). */
export const contentHashOf = (manifestJson: Uint8Array | string): string => sha256(manifestJson);

/**
 * Evaluates the quantised artifact itself, through the same loader the coach uses: fits the
 * temperature and the abstain threshold on val, scores val and test, writes the model card and
 * manifest.json. Shared by training jobs and by ensembles of trained versions.
 */
export async function finalizeVersion(input: FinalizeInput): Promise<FinalizedVersion> {
  const { base, files, splits } = input;
  const classes = base.classes;
  const k = classes.length;
  const listFiles = () => [...files].map(([path, bytes]) => ({ path, sha256: sha256(bytes), bytes: bytes.byteLength }));
  const readFromMemory = async (name: string) => {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`No file ${name} in the new version.`);
    return ownBuffer(bytes);
  };
  const provisional = parseArtifactManifest({ ...base, calibration: { temperature: 1, abstainThreshold: 0 }, metrics: {}, files: listFiles() });
  const model = await loadExpressionModel(provisional, readFromMemory, input.sources);
  const evalSplits = (["val", "test"] as const).filter((s) => splits[s].length > 0);
  const raw: Partial<Record<"val" | "test", Float32Array>> = {};
  try {
    for (const split of evalSplits) {
      raw[split] = await predictImages(
        model,
        splits[split].map((i) => i.sha256),
        input.readImage,
        {
          onProgress: async (done, total) => input.onProgress?.(done, total, split),
        },
      );
    }
  } finally {
    model.dispose();
  }
  const labelsOf = (split: "val" | "test") => Int32Array.from(splits[split], (i) => classes.indexOf(i.label));
  const yVal = labelsOf("val");
  const trainLabels = (splits.train ?? []).map((i) => classes.indexOf(i.label)).filter((c) => c >= 0);
  const shares = trainLabels.length ? classShares(trainLabels, k).map((s) => Math.round(s * 1e6) / 1e6) : null;
  const valLogProbs = logProbs(raw.val!);
  const strength = shares ? fitPriorStrength(valLogProbs, yVal, k, shares) : 0;
  const bias = shares && strength > 0 ? priorBias(shares, strength) : new Array<number>(k).fill(0);
  const adjusted = { val: addClassBias(valLogProbs, k, bias), test: raw.test ? addClassBias(logProbs(raw.test), k, bias) : null };
  const temperature = fitTemperature(adjusted.val, yVal, k);
  const calibrated = (split: "val" | "test") => softmaxWithTemperature(adjusted[split]!, k, temperature);
  const threshold = abstainThreshold(calibrated("val"), yVal, k, input.abstainTargetAccuracy);
  const metrics: ArtifactManifest["metrics"] = {};
  for (const split of evalSplits)
    metrics[split] = evaluationReport(calibrated(split), labelsOf(split), classes, { uncalibrated: raw[split], abstainThreshold: threshold });
  const withoutFiles = {
    ...base,
    calibration: {
      temperature: Math.round(temperature * 1e6) / 1e6,
      abstainThreshold: threshold,
      ...(shares && strength > 0 ? { priorCorrection: { strength, trainShares: shares } } : {}),
    },
    metrics,
  };
  files.set("card.md", new TextEncoder().encode(modelCard(withoutFiles)));
  const manifest = parseArtifactManifest({ ...withoutFiles, files: listFiles() });
  const manifestBytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  files.set("manifest.json", manifestBytes);
  return { manifest, files, contentHash: contentHashOf(manifestBytes) };
}

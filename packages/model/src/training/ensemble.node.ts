import { ARTIFACT_FORMAT, manifestMembers, parseArtifactManifest, type ArtifactManifest, type ArtifactManifestV2, type ModelMember } from "../artifact/manifest.ts";
import type { ModelSources } from "../model-files.ts";
import { finalizeVersion, type FinalizedVersion } from "./finalize.node.ts";
import type { TrainingImage } from "./recipe.ts";

/** A published (or folder) version to take members from. */
export interface EnsemblePart {
  manifest: ArtifactManifest;
  readFile(name: string): Promise<Uint8Array>;
}

export interface EnsembleInput {
  parts: readonly EnsemblePart[];
  name: string;
  codeVersion: string;
  splits: { val: readonly TrainingImage[]; test: readonly TrainingImage[] };
  readImage(sha256: string): Promise<Uint8Array>;
  sources: ModelSources;
  tta: "none" | "flip";
  abstainTargetAccuracy: number;
  onProgress?(done: number, total: number, split: "val" | "test"): Promise<void>;
}

interface LayersJson {
  weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
  [key: string]: unknown;
}

/** Reason these versions cannot be averaged, or null. */
export function ensembleMismatch(parts: readonly EnsemblePart[]): string | null {
  if (parts.length < 2) return "An ensemble needs at least two versions.";
  const [first, ...rest] = parts.map((p) => p.manifest);
  for (const m of rest) {
    if (m.classes.join(",") !== first!.classes.join(",")) return `Versions "${first!.name}" and "${m.name}" predict different classes (${first!.classes.join(", ")} / ${m.classes.join(", ")}); combine versions of the same classes.`;
    if (m.preprocessing.colour !== first!.preprocessing.colour) return `Versions "${first!.name}" and "${m.name}" see faces in different colours.`;
    if (m.preprocessing.faceBox.scale !== first!.preprocessing.faceBox.scale || m.preprocessing.faceBox.shiftY !== first!.preprocessing.faceBox.shiftY) return `Versions "${first!.name}" and "${m.name}" cut faces differently (face box); they cannot share one crop.`;
    if (m.snapshot.contentHash !== first!.snapshot.contentHash) return `Versions "${first!.name}" and "${m.name}" were trained on different snapshots; an ensemble's figures would mix them.`;
  }
  return null;
}

/**
 * One version whose members are every member of `parts`, their log-probabilities averaged: the
 * files are renamed per member (m0.json + m0-0.bin, …), then the ensemble is calibrated and
 * evaluated as any version is (finalizeVersion, on the quantised files).
 */
export async function ensembleVersions(input: EnsembleInput): Promise<FinalizedVersion> {
  const mismatch = ensembleMismatch(input.parts);
  if (mismatch) throw new Error(mismatch);
  const files = new Map<string, Uint8Array>();
  const members: ModelMember[] = [];
  const backbones = new Map<string, { id: string; provenance: string }>();
  for (const part of input.parts) {
    for (const b of part.manifest.backbones) backbones.set(b.id, b);
    for (const member of manifestMembers(part.manifest)) {
      const k = members.length;
      const json = JSON.parse(new TextDecoder().decode(await part.readFile(member.modelFile))) as LayersJson;
      let shard = 0;
      for (const group of json.weightsManifest) {
        group.paths = await Promise.all(
          group.paths.map(async (path) => {
            const renamed = `m${k}-${shard++}.bin`;
            files.set(renamed, await part.readFile(path));
            return renamed;
          }),
        );
      }
      const modelFile = `m${k}.json`;
      files.set(modelFile, new TextEncoder().encode(JSON.stringify(json)));
      members.push({ ...member, modelFile });
    }
  }
  const first = input.parts[0]!.manifest;
  const base: Omit<ArtifactManifestV2, "files" | "metrics" | "calibration"> = {
    format: ARTIFACT_FORMAT,
    formatVersion: 2,
    name: input.name,
    createdAt: new Date().toISOString(),
    codeVersion: input.codeVersion,
    classes: [...first.classes],
    backbones: [...backbones.values()],
    preprocessing: { ...first.preprocessing, tta: input.tta },
    members,
    snapshot: { ...first.snapshot },
    training: {
      config: { ensemble: input.parts.map((p) => ({ name: p.manifest.name, config: p.manifest.training.config, valAccuracy: p.manifest.metrics.val?.accuracy })) },
      backend: [...new Set(input.parts.map((p) => p.manifest.training.backend))].join("+"),
      seconds: Math.round(input.parts.reduce((s, p) => s + p.manifest.training.seconds, 0) * 10) / 10,
    },
  };
  return finalizeVersion({ base, files, splits: input.splits, readImage: input.readImage, sources: input.sources, abstainTargetAccuracy: input.abstainTargetAccuracy, onProgress: input.onProgress });
}

/** Parses a version folder's manifest (for the CLI). */
export function partFromFiles(manifestJson: string, readFile: (name: string) => Promise<Uint8Array>): EnsemblePart {
  return { manifest: parseArtifactManifest(JSON.parse(manifestJson)), readFile };
}

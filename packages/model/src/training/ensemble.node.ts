import { loadExpressionModel } from "../artifact/load.ts";
import {
  ARTIFACT_FORMAT,
  manifestMembers,
  parseArtifactManifest,
  type ArtifactManifest,
  type ArtifactManifestV2,
  type ModelMember,
  type TtaMode,
} from "../artifact/manifest.ts";
import { fitTemperature, logProbs, softmaxWithTemperature } from "../metrics.ts";
import { ownBuffer, type ModelSources } from "../model-files.ts";
import { contentHashOf, finalizeVersion, type FinalizedVersion } from "./finalize.node.ts";
import { predictImages } from "./predict-images.node.ts";
import type { TrainingImage } from "./recipe.ts";

/** A published (or folder) version to take members from. */
export interface EnsemblePart {
  manifest: ArtifactManifest;
  readFile(name: string): Promise<Uint8Array>;
  /** For one network taken out of a larger version: its val accuracy as that version recorded it. */
  valAccuracy?: number;
  /**
   * The content hash (sha256 of manifest.json) of the version the network came from, recorded
   * in the ensemble so that a later build can tell whether its parts changed.
   */
  contentHash?: string;
}

interface RecordedPart {
  name?: string;
  config?: Record<string, unknown>;
  valAccuracy?: number;
  contentHash?: string;
}

/**
 * The networks of a version, each as a part of its own (the version's files, one member, no
 * weight), so that combining an ensemble with more networks fits a weight per network rather than
 * keeping the ensemble's own shares. A member keeps the name, config and val accuracy the
 * ensemble recorded for it. A single-network version is returned as it is.
 */
/**
 * The names of a version's networks where no ensemble record names them (a cohort's, trained
 * together): the version's own name for one network, "<name> #1", "<name> #2", … for several.
 */
export function networkNames(version: string, count: number): string[] {
  return count === 1 ? [version] : Array.from({ length: count }, (_, i) => `${version} #${i + 1}`);
}

export function memberParts(part: EnsemblePart): EnsemblePart[] {
  const members = manifestMembers(part.manifest);
  if (members.length === 1) return [part];
  const config = part.manifest.training.config as { ensemble?: RecordedPart[] };
  const recorded = config.ensemble?.length === members.length ? config.ensemble : undefined;
  const names = networkNames(part.manifest.name, members.length);
  return members.map((member, i) => {
    const { weight: _weight, ...alone } = member;
    const from = recorded?.[i];
    const contentHash = recorded ? from?.contentHash : part.contentHash;
    // Only the backbones this network reads: the ensemble's list covers all of its networks.
    const reads: readonly string[] = alone.kind === "head" ? alone.backbones : alone.trunk ? [alone.trunk.id] : [];
    const manifest = parseArtifactManifest({
      ...part.manifest,
      name: from?.name ?? names[i],
      backbones: part.manifest.backbones.filter((b) => reads.includes(b.id)),
      members: [alone],
      training: { ...part.manifest.training, config: from?.config ?? { from: part.manifest.name, member: i } },
      metrics: {},
    });
    return {
      manifest,
      readFile: part.readFile,
      ...(from?.valAccuracy === undefined ? {} : { valAccuracy: from.valAccuracy }),
      // A version without an ensemble record (a cohort's networks, trained together) is where its networks came from.
      ...(contentHash === undefined ? {} : { contentHash }),
    };
  });
}

export interface EnsembleInput {
  parts: readonly EnsemblePart[];
  name: string;
  codeVersion: string;
  /** val calibrates (and fits the weights), test is only scored, train's labels give its class prior. */
  splits: { train?: readonly TrainingImage[]; val: readonly TrainingImage[]; test: readonly TrainingImage[] };
  readImage(sha256: string): Promise<Uint8Array>;
  sources: ModelSources;
  tta: TtaMode;
  /**
   * "fit": each version's share of the averaged log-probabilities is chosen on val (lowest NLL
   * after temperature scaling, on a 0.05 grid); "equal": every member counts the same.
   */
  weights: "fit" | "equal";
  /** Networks (by name) of the versions to leave out, e.g. the weaker members of an earlier ensemble. */
  without?: readonly string[];
  abstainTargetAccuracy: number;
  onProgress?(done: number, total: number, split: "val" | "test"): Promise<void>;
}

interface LayersJson {
  weightsManifest: { paths: string[] }[];
}

/**
 * Stores one network's model.json (and its weight shards, read by `readShard`) in `files` as
 * member `k` of a version: m<k>.json and m<k>-0.bin, m<k>-1.bin, …. Returns the model file's name.
 */
export async function addMemberFiles(
  files: Map<string, Uint8Array>,
  k: number,
  modelJson: Uint8Array,
  readShard: (path: string) => Uint8Array | Promise<Uint8Array>,
): Promise<string> {
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as LayersJson;
  let shard = 0;
  for (const group of json.weightsManifest) {
    const renamed: string[] = [];
    for (const path of group.paths) {
      const name = `m${k}-${shard++}.bin`;
      files.set(name, await readShard(path));
      renamed.push(name);
    }
    group.paths = renamed;
  }
  const modelFile = `m${k}.json`;
  files.set(modelFile, new TextEncoder().encode(JSON.stringify(json)));
  return modelFile;
}

/** Reason these versions cannot be averaged, or null. */
export function ensembleMismatch(parts: readonly EnsemblePart[]): string | null {
  if (parts.reduce((n, p) => n + manifestMembers(p.manifest).length, 0) < 2)
    return "An ensemble needs at least two networks: give two or more versions, or one that is itself an ensemble (to fit its weights again).";
  const [first, ...rest] = parts.map((p) => p.manifest);
  for (const m of rest) {
    if (m.classes.join(",") !== first!.classes.join(","))
      return `Versions "${first!.name}" and "${m.name}" predict different classes (${first!.classes.join(", ")} / ${m.classes.join(", ")}); combine versions of the same classes.`;
    if (m.preprocessing.colour !== first!.preprocessing.colour) return `Versions "${first!.name}" and "${m.name}" see faces in different colours.`;
    if (m.preprocessing.faceBox.scale !== first!.preprocessing.faceBox.scale || m.preprocessing.faceBox.shiftY !== first!.preprocessing.faceBox.shiftY)
      return `Versions "${first!.name}" and "${m.name}" cut faces differently (face box); they cannot share one crop.`;
    if (m.snapshot.contentHash !== first!.snapshot.contentHash)
      return `Versions "${first!.name}" and "${m.name}" were trained on different snapshots; an ensemble's figures would mix them.`;
  }
  return null;
}

/**
 * Every network of the versions (an ensemble split into its own) but those named in `without`,
 * or why that cannot be an ensemble: a name that is no network's, or fewer than two left.
 */
export function selectNetworks(parts: readonly EnsemblePart[], without: readonly string[] = []): EnsemblePart[] | string {
  const networks = parts.flatMap(memberParts);
  const names = networks.map((n) => n.manifest.name);
  const unknown = without.filter((w) => !names.includes(w));
  if (unknown.length) return `No network is named ${unknown.map((u) => `"${u}"`).join(", ")}; the versions hold ${names.join(", ")}.`;
  const kept = networks.filter((n) => !without.includes(n.manifest.name));
  if (kept.length < 2) return `Leaving out ${without.join(", ")} leaves ${kept.length} network(s); an ensemble needs at least two.`;
  return kept;
}

/**
 * One version whose members are every member of `parts` (but those left `without`), their log-probabilities averaged, with a
 * weight per network (see memberParts): the files are renamed per member (m0.json + m0-0.bin, …),
 * then the ensemble is calibrated and evaluated as any version is (finalizeVersion, on the
 * quantised files).
 */
export async function ensembleVersions(versions: EnsembleInput): Promise<FinalizedVersion> {
  const mismatch = ensembleMismatch(versions.parts);
  if (mismatch) throw new Error(mismatch);
  const networks = selectNetworks(versions.parts, versions.without);
  if (typeof networks === "string") throw new Error(networks);
  const input = { ...versions, parts: networks };
  const partWeights = input.weights === "fit" ? await fitPartWeights(input) : input.parts.map(() => 1);
  const files = new Map<string, Uint8Array>();
  const members: ModelMember[] = [];
  const backbones = new Map<string, { id: string; provenance: string }>();
  for (const [k, part] of input.parts.entries()) {
    // memberParts leaves one network per part.
    const member = manifestMembers(part.manifest)[0]!;
    for (const b of part.manifest.backbones) backbones.set(b.id, b);
    const modelFile = await addMemberFiles(files, k, await part.readFile(member.modelFile), (path) => part.readFile(path));
    const weight = input.weights === "fit" ? Math.round(partWeights[k]! * 1e4) / 1e4 : member.weight;
    members.push({ ...member, modelFile, ...(weight === undefined ? {} : { weight }) });
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
      config: {
        weights: input.weights,
        ensemble: input.parts.map((p, i) => ({
          name: p.manifest.name,
          weight: partWeights[i],
          config: p.manifest.training.config,
          valAccuracy: p.manifest.metrics.val?.accuracy ?? p.valAccuracy,
          ...(p.contentHash === undefined ? {} : { contentHash: p.contentHash }),
        })),
      },
      // Of the versions as given: a version split into its networks took its time once.
      backend: [...new Set(versions.parts.map((p) => p.manifest.training.backend))].join("+"),
      seconds: Math.round(versions.parts.reduce((s, p) => s + p.manifest.training.seconds, 0) * 10) / 10,
    },
  };
  return finalizeVersion({
    base,
    files,
    splits: input.splits,
    readImage: input.readImage,
    sources: input.sources,
    abstainTargetAccuracy: input.abstainTargetAccuracy,
    onProgress: input.onProgress,
  });
}

/**
 * Each part's uncalibrated log-probabilities on val, with the ensemble's TTA: no temperature and
 * no prior correction of its own, since the ensemble averages its members' raw log-probabilities
 * and fits one correction for the whole.
 */
async function partLogProbs(part: EnsemblePart, input: EnsembleInput): Promise<Float32Array> {
  const m = part.manifest;
  const { priorCorrection: _own, ...calibration } = m.calibration;
  const manifest = parseArtifactManifest({ ...m, preprocessing: { ...m.preprocessing, tta: input.tta }, calibration: { ...calibration, temperature: 1 } });
  const model = await loadExpressionModel(manifest, async (name) => ownBuffer(await part.readFile(name)), input.sources);
  try {
    return logProbs(
      await predictImages(
        model,
        input.splits.val.map((i) => i.sha256),
        input.readImage,
      ),
    );
  } finally {
    model.dispose();
  }
}

/** Every way to split `steps` grid steps over `parts` parts, each getting at least one. */
function compositions(steps: number, parts: number): number[][] {
  if (parts === 1) return [[steps]];
  const out: number[][] = [];
  for (let first = 1; first <= steps - parts + 1; first++) for (const rest of compositions(steps - first, parts - 1)) out.push([first, ...rest]);
  return out;
}

/** Mean NLL of labels under softmax(logits / T). */
function nll(logits: Float32Array, labels: Int32Array, k: number, t: number): number {
  const p = softmaxWithTemperature(logits, k, t);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum -= Math.log(Math.max(p[i * k + labels[i]!]!, 1e-12));
  return sum / labels.length;
}

/**
 * Part weights (summing to 1) whose weighted log-probabilities, temperature-scaled, give val the
 * lowest NLL: a stronger part should count more than a weaker one, and equal weights are on the
 * grid, so fitting never does worse on val than not fitting. More than 4 parts stay equal.
 */
export async function fitPartWeights(input: Pick<EnsembleInput, "parts" | "splits" | "readImage" | "sources" | "tta">): Promise<number[]> {
  const n = input.parts.length;
  if (n > 4) return input.parts.map(() => 1 / n);
  const classes = input.parts[0]!.manifest.classes;
  const k = classes.length;
  const labels = Int32Array.from(input.splits.val, (i) => classes.indexOf(i.label));
  const lps: Float32Array[] = [];
  for (const part of input.parts) lps.push(await partLogProbs(part, input as EnsembleInput));
  const steps = 20;
  const mixed = new Float32Array(lps[0]!.length);
  const lossOf = (w: number[]) => {
    mixed.fill(0);
    for (let p = 0; p < n; p++) for (let j = 0; j < mixed.length; j++) mixed[j]! += w[p]! * lps[p]![j]!;
    return nll(mixed, labels, k, fitTemperature(mixed, labels, k));
  };
  // Equal weights win ties (parts that predict alike), so only a real gain moves them.
  const equal = input.parts.map(() => 1 / n);
  let best = { loss: lossOf(equal), weights: equal };
  for (const grid of compositions(steps, n)) {
    const w = grid.map((g) => g / steps);
    const loss = lossOf(w);
    if (loss < best.loss - 1e-6) best = { loss, weights: w };
  }
  return best.weights;
}

/** Parses a version folder's manifest (for the CLI), keeping its content hash. */
export function partFromFiles(manifestJson: string, readFile: (name: string) => Promise<Uint8Array>): EnsemblePart {
  return { manifest: parseArtifactManifest(JSON.parse(manifestJson)), readFile, contentHash: contentHashOf(manifestJson) };
}

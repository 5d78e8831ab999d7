import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import type { EvaluationReport, TtaMode } from "@mien/model/manifest";
import {
  codeVersion,
  contentHashOf,
  ensembleMismatch,
  ensembleVersions,
  nodeModelSources,
  partFromFiles,
  selectNetworks,
  type EnsemblePart,
  type FinalizedVersion,
  type FolderImage,
} from "@mien/model/node";

/**
 * A version folder: manifest.json and the files it lists, as `mien train`, `mien ensemble` and
 * `mien train-default` write them. Its identity is its content hash, the sha256 of manifest.json
 * (which lists every other file's hash), as the registry and a distilled network's record use it.
 */

/** The folder's content hash: sha256 of its manifest.json. */
export async function versionHash(dir: string): Promise<string> {
  return contentHashOf(await readFile(join(dir, "manifest.json")));
}

/** The folder as a part to average (its manifest parsed, its files read on demand, its content hash). */
export async function readVersionFolder(dir: string): Promise<EnsemblePart> {
  const root = resolve(dir);
  const manifest = await readFile(join(root, "manifest.json"), "utf8").catch(() => {
    throw new Error(`${root} has no manifest.json; a version folder is expected.`);
  });
  return partFromFiles(manifest, async (name) => new Uint8Array(await readFile(join(root, name))));
}

/** Writes a version's files next to `out`, then swaps, so `out` is never half-written. */
export async function writeVersionFolder(out: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const staging = `${out}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(staging, name), bytes);
  await rm(out, { recursive: true, force: true });
  await rename(staging, out);
}

/** Copies a version folder to `out` (written whole, then swapped in). */
export async function copyVersionFolder(dir: string, out: string): Promise<void> {
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  await writeVersionFolder(out, files);
}

/** The val figures the commands print of a version. */
export function valFigures(val: EvaluationReport | undefined) {
  return val && { accuracy: val.accuracy, macroF1: val.macroF1, top2: val.top2, ece: val.ece, eceBeforeScaling: val.eceBeforeScaling };
}

export interface FolderEnsembleOptions {
  /** The version folders to average (an ensemble among them gives each of its networks a share). */
  dirs: readonly string[];
  /** The folder dataset's images (listFolderDataset), listed once the versions are known to fit together: val calibrates, train gives the class prior. */
  images(): Promise<readonly FolderImage[]>;
  name: string;
  tta: TtaMode;
  weights: "fit" | "equal";
  without?: readonly string[];
  onProgress?(done: number, total: number, split: "val" | "test"): Promise<void>;
}

/**
 * Averages version folders into one version (ensembleVersions), calibrated and scored on the
 * folder dataset's splits of the first version's classes; a string says why these versions
 * cannot be averaged (checked before the dataset is listed).
 */
export async function ensembleFolders(options: FolderEnsembleOptions): Promise<FinalizedVersion | string> {
  const parts = await Promise.all(options.dirs.map(readVersionFolder));
  const mismatch = ensembleMismatch(parts) ?? selectNetworks(parts, options.without);
  if (typeof mismatch === "string") return mismatch;
  const images = await options.images();
  const classes = new Set(parts[0]!.manifest.classes as string[]);
  const byHash = new Map(images.map((i) => [i.sha256, i.path]));
  const split = (s: "train" | "val" | "test") => images.filter((i) => i.split === s && classes.has(i.label));
  return ensembleVersions({
    parts,
    name: options.name,
    codeVersion: codeVersion(),
    splits: { train: split("train"), val: split("val"), test: split("test") },
    readImage: async (sha) => new Uint8Array(await readFile(byHash.get(sha)!)),
    sources: nodeModelSources(),
    tta: options.tta,
    weights: options.weights,
    without: options.without,
    abstainTargetAccuracy: 0.8,
    onProgress: options.onProgress,
  });
}

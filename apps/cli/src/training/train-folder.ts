import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

import { buildManifest } from "@mien/dataset";
import { loadServerEnv } from "@mien/env";
import type { TrainingConfig } from "@mien/jobs/training";
import { EXPRESSION_CLASSES, isBackboneId, loadBackbone } from "@mien/model";
import {
  codeVersion,
  EmbeddingStore,
  importMlCache,
  listFolderDataset,
  loadExpressionModelFromDir,
  nodeModelSources,
  runTrainingPipeline,
  selectNodeBackend,
} from "@mien/model/node";

import { valFigures, versionHash, writeVersionFolder } from "./version-folder.ts";

export interface FolderTrainingOptions {
  data: string;
  out: string;
  config: TrainingConfig;
  /** False when the classes came from the defaults: then the data's own classes are learnt. */
  classesGiven: boolean;
  /** Embedding cache folder (default <data dir>/embeddings). */
  cache?: string;
  /** An ML-study embedding cache to seed from (MIEN_ML_CACHE). */
  mlCache?: string;
}

/**
 * Trains from a `<root>/<split>/<class>/` folder straight to a version folder (no database):
 * how models/default is made. The same pipeline as the worker; the snapshot is the folder's
 * images, hashed exactly as a dataset snapshot manifest would hash them.
 */
export async function trainFromFolder(options: FolderTrainingOptions): Promise<Record<string, unknown>> {
  const env = loadServerEnv();
  const root = resolve(options.data);
  const out = resolve(options.out);
  const backend = await selectNodeBackend();
  console.error(`Listing and hashing ${root} …`);
  const images = await listFolderDataset(root);
  const snapshot = buildManifest(images.map(({ sha256, label, split }) => ({ sha256, label, split })));
  const byHash = new Map(images.map((i) => [i.sha256, i.path]));
  const store = new EmbeddingStore(resolve(options.cache ?? join(env.dataDir, "embeddings")));
  const present = new Set(images.filter((i) => i.split === "train").map((i) => i.label));
  const config = options.classesGiven ? options.config : { ...options.config, classes: EXPRESSION_CLASSES.filter((c) => present.has(c)) };

  if (options.mlCache && config.mode === "head") {
    const files = new Map(images.map((i) => [i.path, { sha256: i.sha256, channels: i.channels }]));
    const sources = nodeModelSources();
    for (const id of config.backbones) {
      if (!isBackboneId(id)) continue;
      const backbone = await loadBackbone(id, sources);
      for (const split of ["train", "val", "test"]) {
        await importMlCache({
          store,
          mlRoot: options.mlCache,
          dataset: `${basename(root)}/${split}`,
          backbone,
          colour: config.colour,
          files,
          log: (l) => console.error(l),
        });
      }
      backbone.dispose();
    }
  }

  const checkpointFile = join(env.dataDir, "checkpoints", `folder-${basename(out)}-${snapshot.contentHash.slice(0, 16)}.bin`);
  await mkdir(dirname(checkpointFile), { recursive: true });
  const { snapshotId: _unused, ...recorded } = config;
  const result = await runTrainingPipeline({
    recipe: config,
    images,
    readImage: async (sha) => readFile(byHash.get(sha)!),
    snapshot: { contentHash: snapshot.contentHash, name: basename(root), imageCount: images.length },
    store,
    sources: nodeModelSources(),
    backend: backend.name,
    threads: env.MIEN_TRAINER_THREADS,
    codeVersion: codeVersion(),
    config: { ...recorded, source: `folder ${basename(root)}` },
    loadTeacher: async (ref) => {
      const dir = resolve(ref);
      const contentHash = await versionHash(dir).catch(() => {
        throw new Error(`The teacher ${ref} is not a version folder (no manifest.json).`);
      });
      return { ref, contentHash, model: await loadExpressionModelFromDir(dir) };
    },
    hooks: {
      progress: async (p) => {
        if (p.message) console.error(`[${p.stage} ${p.percent.toFixed(0)}%] ${p.message}`);
      },
      checkStop: async () => {},
      loadCheckpoint: async () =>
        readFile(checkpointFile)
          .then((b) => new Uint8Array(b))
          .catch(() => null),
      saveCheckpoint: async (bytes) => {
        await writeFile(`${checkpointFile}.tmp`, bytes);
        await rename(`${checkpointFile}.tmp`, checkpointFile);
      },
      log: (line) => console.error(line),
    },
  });
  await store.close();

  await writeVersionFolder(out, result.files);
  await rm(checkpointFile, { force: true });
  const m = result.manifest;
  return {
    out,
    contentHash: result.contentHash,
    backend: backend.name,
    seconds: Math.round(result.stats.seconds),
    stats: result.stats,
    val: valFigures(m.metrics.val),
    test: m.metrics.test && { accuracy: m.metrics.test.accuracy, macroF1: m.metrics.test.macroF1, ece: m.metrics.test.ece },
    temperature: m.calibration.temperature,
    abstainThreshold: m.calibration.abstainThreshold,
  };
}

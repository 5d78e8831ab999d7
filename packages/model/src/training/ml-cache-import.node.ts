import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import type { Backbone } from "../backbones/types.ts";
import type { EmbeddingStore } from "./embedding-store.node.ts";

interface MlIndex {
  root: string;
  paths: string[];
}

interface MlMeta {
  dim: number;
  count: number;
  complete: boolean;
  listHash: string;
  input: unknown;
}

/**
 * Seeds the embedding cache from an ML-study cache (packages/model/research/extract-embeddings.ts:
 * `<mlRoot>/<dataset>/index.json` + `<backbone>[-flip].bin`), which stores the same embeddings by
 * path order. Rows are taken only when the study used this backbone's exact input spec, and, for
 * gray models, only for gray files (the study did not convert colour). Returns rows imported.
 */
export async function importMlCache(options: {
  store: EmbeddingStore;
  mlRoot: string;
  dataset: string;
  backbone: Backbone;
  colour: "gray" | "rgb";
  /** Absolute path → sha256 and channel count of the images being trained on. */
  files: ReadonlyMap<string, { sha256: string; channels: number }>;
  log?: (line: string) => void;
}): Promise<number> {
  const { store, mlRoot, dataset, backbone, colour, files } = options;
  const log = options.log ?? (() => {});
  let index: MlIndex;
  try {
    index = JSON.parse(await readFile(join(mlRoot, dataset, "index.json"), "utf8")) as MlIndex;
  } catch {
    return 0;
  }
  let imported = 0;
  for (const flip of [false, true]) {
    const base = join(mlRoot, dataset, `${backbone.id}${flip ? "-flip" : ""}`);
    let meta: MlMeta;
    try {
      meta = JSON.parse(await readFile(`${base}.json`, "utf8")) as MlMeta;
    } catch {
      continue;
    }
    if (meta.dim !== backbone.dim || JSON.stringify(meta.input) !== JSON.stringify(backbone.input) || meta.count !== index.paths.length) {
      log(`ml cache ${base}: skipped (made for another input spec or image list)`);
      continue;
    }
    const buf = await readFile(`${base}.bin`).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (!buf) continue;
    // Rows are appended in index order, so an unfinished file's whole rows are valid.
    const rowsOnDisk = Math.min(meta.count, Math.floor(buf.byteLength / (meta.dim * 4)));
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + rowsOnDisk * meta.dim * 4));
    const table = await store.table({ backbone: backbone.id, input: backbone.input, dim: backbone.dim, colour, variant: flip ? "flip" : "plain" });
    const shas: string[] = [];
    const rows: number[] = [];
    index.paths.slice(0, rowsOnDisk).forEach((p, i) => {
      const file = files.get(resolve(index.root, p));
      if (!file || table.has(file.sha256) || (colour === "gray" && file.channels !== 1)) return;
      shas.push(file.sha256);
      rows.push(i);
    });
    for (let i = 0; i < shas.length; i += 4096) {
      const part = rows.slice(i, i + 4096);
      const values = new Float32Array(part.length * backbone.dim);
      part.forEach((r, j) => values.set(data.subarray(r * backbone.dim, (r + 1) * backbone.dim), j * backbone.dim));
      await table.append(shas.slice(i, i + 4096), values);
    }
    imported += shas.length;
    log(`ml cache ${base}: ${shas.length} rows imported`);
  }
  return imported;
}

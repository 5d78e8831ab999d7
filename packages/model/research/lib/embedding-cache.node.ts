import { createHash } from "node:crypto";
import { mkdir, open, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { ExpressionClass } from "../../src/classes.ts";
import type { InputSpec } from "../../src/preprocess.ts";

/**
 * On-disk embedding cache: per dataset an `index.json` (paths + labels, fixed order) and per
 * backbone `<backbone>[-flip].bin` (row-major float32, one row per index entry) with a
 * `<backbone>[-flip].json` sidecar. Rows are appended as they are computed, so an interrupted
 * extraction resumes where the file ends.
 */
export const CACHE_VERSION = 1;

export interface DatasetIndex {
  version: number;
  dataset: string;
  root: string;
  /** sha256 of the path list; ties every .bin to this exact order. */
  listHash: string;
  paths: string[];
  labels: ExpressionClass[];
}

export interface EmbeddingMeta {
  version: number;
  dataset: string;
  backbone: string;
  flip: boolean;
  dim: number;
  count: number;
  listHash: string;
  input: InputSpec;
  complete: boolean;
  /** Measured throughput of the run that finished the file. */
  imgPerSec?: number;
  updatedAt: string;
}

export interface Embeddings {
  meta: EmbeddingMeta;
  index: DatasetIndex;
  /** count × dim, row-major. */
  data: Float32Array;
}

export function hashPaths(paths: readonly string[]): string {
  return createHash("sha256").update(paths.join("\n")).digest("hex");
}

export function cacheFile(cacheRoot: string, dataset: string, backbone: string, flip: boolean, ext: "bin" | "json"): string {
  return join(cacheRoot, dataset, `${backbone}${flip ? "-flip" : ""}.${ext}`);
}

export async function writeIndex(cacheRoot: string, index: DatasetIndex): Promise<void> {
  const file = join(cacheRoot, index.dataset, "index.json");
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(index));
}

export async function readIndex(cacheRoot: string, dataset: string): Promise<DatasetIndex | null> {
  try {
    return JSON.parse(await readFile(join(cacheRoot, dataset, "index.json"), "utf8")) as DatasetIndex;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function readMeta(file: string): Promise<EmbeddingMeta | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as EmbeddingMeta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Appends rows to one backbone's cache; `start` says how many rows are already on disk. */
export class EmbeddingWriter {
  private constructor(
    private readonly binFile: string,
    private readonly metaFile: string,
    private meta: EmbeddingMeta,
    public rowsDone: number,
  ) {}

  /** Opens (or resumes) a cache file; a file for another path list or dimension is an error. */
  static async open(cacheRoot: string, meta: Omit<EmbeddingMeta, "complete" | "updatedAt" | "version">): Promise<EmbeddingWriter> {
    const binFile = cacheFile(cacheRoot, meta.dataset, meta.backbone, meta.flip, "bin");
    const metaFile = cacheFile(cacheRoot, meta.dataset, meta.backbone, meta.flip, "json");
    await mkdir(dirname(binFile), { recursive: true });
    const old = await readMeta(metaFile);
    if (old && (old.listHash !== meta.listHash || old.dim !== meta.dim || JSON.stringify(old.input) !== JSON.stringify(meta.input))) {
      throw new Error(`${binFile} was made for another image list, dimension or input spec; delete it to re-extract.`);
    }
    let rows = 0;
    try {
      const bytes = (await stat(binFile)).size;
      rows = Math.min(meta.count, Math.floor(bytes / (meta.dim * 4)));
      // Drop a partly written last row.
      if (bytes !== rows * meta.dim * 4) await truncate(binFile, rows * meta.dim * 4);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const full: EmbeddingMeta = { ...meta, version: CACHE_VERSION, complete: rows === meta.count, updatedAt: new Date().toISOString() };
    const writer = new EmbeddingWriter(binFile, metaFile, full, rows);
    await writer.writeMeta();
    return writer;
  }

  get complete(): boolean {
    return this.meta.complete;
  }

  async append(rows: Float32Array): Promise<void> {
    if (rows.length % this.meta.dim !== 0) throw new Error(`append got ${rows.length} values, not a multiple of dim ${this.meta.dim}.`);
    const handle = await open(this.binFile, "a");
    try {
      await handle.write(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    } finally {
      await handle.close();
    }
    this.rowsDone += rows.length / this.meta.dim;
    if (this.rowsDone === this.meta.count) this.meta.complete = true;
    await this.writeMeta();
  }

  async finish(imgPerSec: number): Promise<void> {
    this.meta.imgPerSec = Math.round(imgPerSec * 10) / 10;
    await this.writeMeta();
  }

  private async writeMeta(): Promise<void> {
    this.meta.updatedAt = new Date().toISOString();
    await writeFile(this.metaFile, JSON.stringify(this.meta, null, 2));
  }
}

/** Loads a complete cache; fails with a hint when it is missing or unfinished. */
export async function readEmbeddings(cacheRoot: string, dataset: string, backbone: string, flip = false): Promise<Embeddings> {
  const metaFile = cacheFile(cacheRoot, dataset, backbone, flip, "json");
  const meta = await readMeta(metaFile);
  const index = await readIndex(cacheRoot, dataset);
  if (!meta || !index) throw new Error(`No embedding cache ${metaFile}; run research/extract-embeddings.ts for ${dataset} with ${backbone}.`);
  if (!meta.complete) throw new Error(`${metaFile} is unfinished; rerun the extraction to resume it.`);
  if (meta.listHash !== index.listHash) throw new Error(`${metaFile} does not match ${dataset}/index.json; re-extract.`);
  const buf = await readFile(cacheFile(cacheRoot, dataset, backbone, flip, "bin"));
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (data.length !== meta.count * meta.dim) throw new Error(`${dataset}/${backbone} holds ${data.length} values, expected ${meta.count}×${meta.dim}.`);
  return { meta, index, data: Float32Array.from(data) };
}

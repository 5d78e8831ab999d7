import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, writeFile, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

import type { InputSpec } from "../preprocess.ts";

/**
 * Embeddings of frozen backbones, cached per (image sha256, backbone, colour, variant) on local
 * disk so that retraining, and training on a new snapshot of mostly the same images, embeds
 * only what is new. Layout:
 *
 *   <root>/v1/<backbone>@<input-spec hash>/<colour>/<variant>/<writer>.seg
 *
 * A segment is a run of fixed-size records (32-byte sha256, then dim float32 values), appended
 * by one writer only (each process writes its own file), so concurrent workers never interleave
 * bytes; a reader drops a partly written last record. Values are pure functions of the image and
 * the key, so duplicates across segments are harmless.
 */
export const EMBEDDING_STORE_VERSION = "v1";

const SHA_BYTES = 32;

export function inputSpecHash(input: InputSpec): string {
  return createHash("sha256").update(JSON.stringify(input)).digest("hex").slice(0, 12);
}

export interface TableKey {
  backbone: string;
  input: InputSpec;
  dim: number;
  /** "gray" or "rgb". */
  colour: string;
  /** "plain", "flip", or an augmentation copy such as "aug-3f2a9c-1". */
  variant: string;
}

export class EmbeddingTable {
  private readonly rows = new Map<string, Float32Array>();
  private handle: FileHandle | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly writer = `${hostname().replace(/[^A-Za-z0-9_-]/g, "_")}-${process.pid}-${randomBytes(4).toString("hex")}.seg`;

  constructor(
    readonly dir: string,
    readonly key: TableKey,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  get(sha256: string): Float32Array | undefined {
    return this.rows.get(sha256);
  }

  has(sha256: string): boolean {
    return this.rows.has(sha256);
  }

  /** Loads every segment in the folder. */
  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const recordBytes = SHA_BYTES + this.key.dim * 4;
    for (const name of (await readdir(this.dir)).filter((f) => f.endsWith(".seg")).sort()) {
      const buf = await readFile(join(this.dir, name));
      const records = Math.floor(buf.byteLength / recordBytes);
      // One copy into an aligned buffer; rows are views into it.
      const aligned = new Uint8Array(records * recordBytes);
      aligned.set(buf.subarray(0, records * recordBytes));
      for (let r = 0; r < records; r++) {
        const start = r * recordBytes;
        const sha = Buffer.from(aligned.buffer, start, SHA_BYTES).toString("hex");
        if (!this.rows.has(sha)) this.rows.set(sha, new Float32Array(aligned.buffer, start + SHA_BYTES, this.key.dim));
      }
    }
  }

  /** Appends rows computed for these images (values are [n, dim] row-major). */
  async append(sha256s: readonly string[], values: Float32Array): Promise<void> {
    const dim = this.key.dim;
    if (values.length !== sha256s.length * dim) throw new Error(`append: ${values.length} values for ${sha256s.length} rows of ${dim}.`);
    const recordBytes = SHA_BYTES + dim * 4;
    const out = new Uint8Array(sha256s.length * recordBytes);
    sha256s.forEach((sha, i) => {
      if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`append: "${sha}" is not a sha256.`);
      out.set(Buffer.from(sha, "hex"), i * recordBytes);
      out.set(new Uint8Array(values.buffer, values.byteOffset + i * dim * 4, dim * 4), i * recordBytes + SHA_BYTES);
    });
    // Appends may overlap (parallel embedding); one at a time keeps one handle and whole records.
    const write = this.writing.then(async () => {
      this.handle ??= await open(join(this.dir, this.writer), "a");
      await this.handle.write(out);
      sha256s.forEach((sha, i) => {
        if (!this.rows.has(sha)) this.rows.set(sha, new Float32Array(out.buffer, i * recordBytes + SHA_BYTES, dim));
      });
    });
    this.writing = write.catch(() => undefined);
    await write;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}

export class EmbeddingStore {
  private readonly tables = new Map<string, EmbeddingTable>();

  constructor(readonly root: string) {}

  /** The table for one key, loaded from disk on first use. */
  async table(key: TableKey): Promise<EmbeddingTable> {
    if (!/^[A-Za-z0-9._-]+$/.test(key.backbone) || !/^[A-Za-z0-9._-]+$/.test(key.variant) || !/^[a-z]+$/.test(key.colour)) {
      throw new Error(`Embedding cache key has unsafe parts: ${JSON.stringify(key)}.`);
    }
    const backboneDir = join(this.root, EMBEDDING_STORE_VERSION, `${key.backbone}@${inputSpecHash(key.input)}`);
    const dir = join(backboneDir, key.colour, key.variant);
    const cached = this.tables.get(dir);
    if (cached) return cached;
    await mkdir(backboneDir, { recursive: true });
    await this.checkDim(backboneDir, key);
    const table = new EmbeddingTable(dir, key);
    await table.load();
    this.tables.set(dir, table);
    return table;
  }

  async close(): Promise<void> {
    await Promise.all([...this.tables.values()].map((t) => t.close()));
  }

  private async checkDim(dir: string, key: TableKey): Promise<void> {
    const file = join(dir, "backbone.json");
    try {
      const meta = JSON.parse(await readFile(file, "utf8")) as { dim: number };
      if (meta.dim !== key.dim)
        throw new Error(`${file} says ${key.backbone} embeddings have ${meta.dim} values, not ${key.dim}; delete ${dir} to rebuild the cache.`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await writeFile(file, JSON.stringify({ backbone: key.backbone, dim: key.dim, input: key.input }, null, 2));
    }
  }
}

import * as tf from "@tensorflow/tfjs";
import { augmentBatch, drawAugmentation } from "../augment.ts";
import type { Backbone } from "../backbones/types.ts";
import { toCropColour } from "../crop-colour.ts";
import { decodeImageBytes } from "../image-decode.node.ts";
import { pixelsToBatch, preprocess, type PixelImage } from "../preprocess.ts";
import type { EmbeddingStore, EmbeddingTable } from "./embedding-store.node.ts";
import { drawSeed, type Variant } from "./variants.ts";

export interface EmbedJob {
  backbones: readonly Backbone[];
  colour: "gray" | "rgb";
  /** Which variants each image needs (by sha256). */
  needs: ReadonlyMap<string, readonly Variant[]>;
  readImage(sha256: string): Promise<Uint8Array>;
  store: EmbeddingStore;
  batchSize?: number;
  /** Called after each batch with images done / to do; may throw to stop. */
  onProgress?: (done: number, total: number) => Promise<void>;
}

export interface EmbedStats {
  /** Images that needed at least one new embedding. */
  images: number;
  /** Embeddings computed (image × variant × backbone). */
  computed: number;
  /** Embeddings found in the cache. */
  cached: number;
  seconds: number;
}

/** Every (backbone, variant) table the job touches, keyed `${backbone}|${variant}`. */
export async function openTables(store: EmbeddingStore, backbones: readonly Backbone[], colour: string, variants: Iterable<Variant>): Promise<Map<string, EmbeddingTable>> {
  const tables = new Map<string, EmbeddingTable>();
  for (const variant of variants) {
    for (const b of backbones) {
      const id = `${b.id}|${variant.key}`;
      if (!tables.has(id)) tables.set(id, await store.table({ backbone: b.id, input: b.input, dim: b.dim, colour, variant: variant.key }));
    }
  }
  return tables;
}

/** Images are read with this much concurrency (sharp decodes on its own threads). */
const READ_CONCURRENCY = 8;

async function decodeMany(shas: readonly string[], read: (sha: string) => Promise<Uint8Array>): Promise<PixelImage[]> {
  const out = new Array<PixelImage>(shas.length);
  let next = 0;
  async function worker() {
    while (next < shas.length) {
      const i = next++;
      out[i] = await decodeImageBytes(await read(shas[i]!), `image ${shas[i]}`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, shas.length) }, worker));
  return out;
}

/**
 * Embeds whatever the cache lacks: each image is decoded once, coloured as the model will see
 * it, then each missing (variant, backbone) embedding is computed and appended to the cache.
 */
export async function embedMissing(job: EmbedJob): Promise<EmbedStats> {
  const started = performance.now();
  const variants = new Map<string, Variant>();
  for (const list of job.needs.values()) for (const v of list) variants.set(v.key, v);
  const tables = await openTables(job.store, job.backbones, job.colour, variants.values());

  const todo: Array<{ sha: string; missing: Array<{ variant: Variant; backbone: Backbone }> }> = [];
  let cached = 0;
  for (const [sha, list] of job.needs) {
    const missing: Array<{ variant: Variant; backbone: Backbone }> = [];
    for (const variant of list) {
      for (const backbone of job.backbones) {
        if (tables.get(`${backbone.id}|${variant.key}`)!.has(sha)) cached++;
        else missing.push({ variant, backbone });
      }
    }
    if (missing.length) todo.push({ sha, missing });
  }

  const batchSize = job.batchSize ?? 32;
  let computed = 0;
  await job.onProgress?.(0, todo.length);
  for (let i = 0; i < todo.length; i += batchSize) {
    const batch = todo.slice(i, i + batchSize);
    const pixels = await decodeMany(batch.map((t) => t.sha), job.readImage);
    const crops = tf.tidy(() => toCropColour(pixelsToBatch(pixels), job.colour));
    try {
      // Group the batch's missing work by variant, then by backbone.
      for (const variant of variants.values()) {
        const rows = batch.map((t, r) => ({ t, r })).filter(({ t }) => t.missing.some((m) => m.variant.key === variant.key));
        if (!rows.length) continue;
        const input = tf.tidy(() => {
          const picked = tf.gather(crops, rows.map(({ r }) => r)) as tf.Tensor4D;
          if (!variant.augment) return picked;
          const draws = rows.map(({ t }) => drawAugmentation(variant.augment!.amounts, drawSeed(t.sha, variant)));
          return augmentBatch(picked, draws);
        });
        try {
          for (const backbone of job.backbones) {
            const sub = rows.filter(({ t }) => t.missing.some((m) => m.variant.key === variant.key && m.backbone === backbone));
            if (!sub.length) continue;
            const out = tf.tidy(() => {
              const x = sub.length === rows.length ? input : (tf.gather(input, sub.map(({ r }) => rows.findIndex((row) => row.r === r))) as tf.Tensor4D);
              return backbone.embed(preprocess(x, backbone.input, { flip: variant.flip }));
            });
            const values = (await out.data()) as Float32Array;
            out.dispose();
            for (let v = 0; v < values.length; v++) {
              if (!Number.isFinite(values[v]!)) throw new Error(`${backbone.id} gave a non-finite embedding for image ${sub[Math.floor(v / backbone.dim)]!.t.sha}.`);
            }
            await tables.get(`${backbone.id}|${variant.key}`)!.append(sub.map(({ t }) => t.sha), values);
            computed += sub.length;
          }
        } finally {
          input.dispose();
        }
      }
    } finally {
      crops.dispose();
    }
    await job.onProgress?.(Math.min(i + batchSize, todo.length), todo.length);
    // Let timers run (BullMQ lock renewal, progress events) between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { images: todo.length, computed, cached, seconds: (performance.now() - started) / 1000 };
}

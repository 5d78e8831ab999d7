import * as tf from "@tensorflow/tfjs";

import { augmentBatch, drawAugmentation, type AugmentationDraw } from "../augment.ts";
import type { Backbone } from "../backbones/types.ts";
import { toCropColour } from "../crop-colour.ts";
import { decodeImageBytes } from "../image-decode.node.ts";
import { pixelsToBatch, preprocess, type PixelImage } from "../preprocess.ts";
import { EmbedWorkers } from "./embed-workers.node.ts";
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
  /** Worker threads to embed on (each loads its own copy of the backbones); 1 embeds here. */
  threads?: number;
  /** The TF.js backend worker threads use (default: the best that loads). */
  backend?: string;
}

type Embedder = (
  crops: Float32Array,
  shape: [number, number, number, number],
  flip: boolean,
  draws: AugmentationDraw[] | null,
  backbones: string[],
) => Promise<Record<string, Float32Array>>;

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
export async function openTables(
  store: EmbeddingStore,
  backbones: readonly Backbone[],
  colour: string,
  variants: Iterable<Variant>,
): Promise<Map<string, EmbeddingTable>> {
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
  let done = 0;
  const batches = Math.ceil(todo.length / batchSize);
  await job.onProgress?.(0, todo.length);

  /** Decodes batch `b`, embeds what it misses (with `embed`, here or on a worker) and appends it to the cache. */
  const runBatch = async (b: number, embed: Embedder) => {
    const batch = todo.slice(b * batchSize, (b + 1) * batchSize);
    const pixels = await decodeMany(
      batch.map((t) => t.sha),
      job.readImage,
    );
    const crops = tf.tidy(() => toCropColour(pixelsToBatch(pixels), job.colour));
    const [, h, w, c] = crops.shape;
    const values = crops.dataSync() as Float32Array;
    crops.dispose();
    const plane = h * w * c;
    for (const variant of variants.values()) {
      const rows = batch.map((t, r) => ({ t, r })).filter(({ t }) => t.missing.some((m) => m.variant.key === variant.key));
      if (!rows.length) continue;
      const picked = new Float32Array(rows.length * plane);
      rows.forEach(({ r }, i) => picked.set(values.subarray(r * plane, (r + 1) * plane), i * plane));
      const draws = variant.augment ? rows.map(({ t }) => drawAugmentation(variant.augment!.amounts, drawSeed(t.sha, variant))) : null;
      const wanted = job.backbones.filter((backbone) => rows.some(({ t }) => t.missing.some((m) => m.variant.key === variant.key && m.backbone === backbone)));
      const out = await embed(
        picked,
        [rows.length, h, w, c],
        variant.flip,
        draws,
        wanted.map((b) => b.id),
      );
      for (const backbone of wanted) {
        const all = out[backbone.id]!;
        const keep = rows.map(({ t }, i) => ({ t, i })).filter(({ t }) => t.missing.some((m) => m.variant.key === variant.key && m.backbone === backbone));
        const kept = new Float32Array(keep.length * backbone.dim);
        keep.forEach(({ i }, j) => kept.set(all.subarray(i * backbone.dim, (i + 1) * backbone.dim), j * backbone.dim));
        for (let v = 0; v < kept.length; v++) {
          if (!Number.isFinite(kept[v]!)) throw new Error(`${backbone.id} gave a non-finite embedding for image ${keep[Math.floor(v / backbone.dim)]!.t.sha}.`);
        }
        await tables.get(`${backbone.id}|${variant.key}`)!.append(
          keep.map(({ t }) => t.sha),
          kept,
        );
        computed += keep.length;
      }
    }
    done += batch.length;
    await job.onProgress?.(done, todo.length);
    // Let timers run (BullMQ lock renewal, progress events) between batches.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  const threads = Math.max(1, job.threads ?? 1);
  if (threads > 1 && batches > 1) {
    const workers = await EmbedWorkers.start(threads, { backbones: job.backbones.map((b) => b.id), backend: job.backend });
    try {
      await workers.forEach(batches, (b, worker) => runBatch(b, (...args) => worker.embed(...args)));
    } finally {
      await workers.close();
    }
  } else {
    const inline: Embedder = async (crops, shape, flip, draws, ids) =>
      tf.tidy(() => {
        let x = tf.tensor4d(crops, shape);
        if (draws) x = augmentBatch(x, draws);
        const out: Record<string, Float32Array> = {};
        for (const backbone of job.backbones.filter((b) => ids.includes(b.id)))
          out[backbone.id] = backbone.embed(preprocess(x, backbone.input, { flip })).dataSync() as Float32Array;
        return out;
      });
    for (let b = 0; b < batches; b++) await runBatch(b, inline);
  }
  return { images: todo.length, computed, cached, seconds: (performance.now() - started) / 1000 };
}

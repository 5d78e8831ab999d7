/**
 * Embeds a `<root>/<class>/<image>` dataset with frozen backbones into the embedding cache
 * (.data/ml-cache/<dataset>/<backbone>[-flip].bin + .json, and index.json). Resumable: rerun
 * the same command after an interruption. Usage:
 *   pnpm --filter @mien/model research:extract --data fer2013/train --backbones faceapi-expression,faceres --flip both
 * A quick probe subset: --stride 14 --name fer2013/train-s14 (every 14th image).
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { decodeAll, listClassFolders } from "../scripts/lib/class-folders.ts";
import { ML_CACHE, runMain, SHARED_DATA } from "../scripts/lib/paths.ts";
import { BACKBONE_IDS, embedImages, isBackboneId, loadBackbone, type BackboneId } from "../src/backbones/index.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { nodeModelSources } from "../src/model-files.node.ts";
import { pixelsToBatch, type PixelImage } from "../src/preprocess.ts";
import { EmbeddingWriter, hashPaths, readIndex, writeIndex, type DatasetIndex } from "./lib/embedding-cache.node.ts";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "fer2013/train" },
    name: { type: "string" },
    backbones: { type: "string", default: BACKBONE_IDS.join(",") },
    flip: { type: "string", default: "both" },
    batch: { type: "string", default: "32" },
    limit: { type: "string" },
    /** Keep every k-th image of the sorted list: a class-stratified subset for quick probes. */
    stride: { type: "string" },
    cache: { type: "string", default: ML_CACHE },
  },
});

/** Rows buffered before each append (a crash loses at most this many). */
const CHUNK_ROWS = 1024;

runMain(async () => {
  const root = isAbsolute(values.data!) ? values.data! : resolve(SHARED_DATA, values.data!);
  const dataset = values.name ?? `${basename(dirname(root))}/${basename(root)}`;
  const batch = Number(values.batch);
  const flips = { no: [false], yes: [true], only: [true], both: [false, true] }[values.flip!];
  if (!flips) throw new Error(`--flip must be no, yes or both, not "${values.flip}".`);
  const ids = values
    .backbones!.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !isBackboneId(id));
  if (unknown.length) throw new Error(`Unknown backbone(s) ${unknown.join(", ")}; choose from ${BACKBONE_IDS.join(", ")}.`);

  const backend = await selectNodeBackend();
  let files = await listClassFolders(root);
  if (values.stride) files = files.filter((_, i) => i % Number(values.stride) === 0);
  if (values.limit) files = files.slice(0, Number(values.limit));
  const paths = files.map((f) => f.path);
  const index: DatasetIndex = { version: 1, dataset, root, listHash: hashPaths(paths), paths, labels: files.map((f) => f.label) };
  const existing = await readIndex(values.cache!, dataset);
  if (existing && existing.listHash !== index.listHash) {
    throw new Error(`${values.cache}/${dataset}/index.json lists other images (use --name for a different dataset id, or delete the folder).`);
  }
  await writeIndex(values.cache!, index);

  const t0 = performance.now();
  const images = await decodeAll(root, files);
  console.error(`${dataset}: ${images.length} images decoded in ${((performance.now() - t0) / 1000).toFixed(1)} s; backend ${backend.name}`);

  const sources = nodeModelSources();
  const summary: Array<{ backbone: string; flip: boolean; dim: number; imgPerSec: number | null; rows: number }> = [];
  for (const id of ids as BackboneId[]) {
    const backbone = await loadBackbone(id, sources);
    for (const flip of flips) {
      const writer = await EmbeddingWriter.open(values.cache!, {
        dataset,
        backbone: id,
        flip,
        dim: backbone.dim,
        count: images.length,
        listHash: index.listHash,
        input: backbone.input,
      });
      const label = `${id}${flip ? "-flip" : ""}`;
      if (writer.complete) {
        console.error(`${label}: already complete`);
        summary.push({ backbone: id, flip, dim: backbone.dim, imgPerSec: null, rows: writer.rowsDone });
        continue;
      }
      const start = writer.rowsDone;
      const began = performance.now();
      let pending: Float32Array[] = [];
      let pendingRows = 0;
      for (let i = start; i < images.length; i += batch) {
        const slice: PixelImage[] = images.slice(i, Math.min(i + batch, images.length));
        const out = tf.tidy(() => embedImages(backbone, pixelsToBatch(slice), { flip }));
        const rows = (await out.data()) as Float32Array;
        out.dispose();
        if (!rows.every(Number.isFinite)) throw new Error(`${label}: non-finite embedding in rows ${i}..${i + slice.length}.`);
        pending.push(rows);
        pendingRows += slice.length;
        const last = i + batch >= images.length;
        if (pendingRows >= CHUNK_ROWS || last) {
          const merged = new Float32Array(pendingRows * backbone.dim);
          let o = 0;
          for (const p of pending) {
            merged.set(p, o);
            o += p.length;
          }
          await writer.append(merged);
          pending = [];
          pendingRows = 0;
          const secs = (performance.now() - began) / 1000;
          const ips = (writer.rowsDone - start) / secs;
          const eta = (images.length - writer.rowsDone) / ips;
          console.error(`${label}: ${writer.rowsDone}/${images.length}  ${ips.toFixed(1)} img/s  ETA ${(eta / 60).toFixed(1)} min`);
        }
      }
      const ips = (images.length - start) / ((performance.now() - began) / 1000);
      await writer.finish(ips);
      summary.push({ backbone: id, flip, dim: backbone.dim, imgPerSec: Math.round(ips * 10) / 10, rows: writer.rowsDone });
    }
    backbone.dispose();
  }
  console.log(JSON.stringify({ dataset, backend: backend.name, summary }, null, 2));
});

/**
 * Embeds a `<root>/<class>/<image>` dataset with frozen backbones into the embedding cache
 * (.data/ml-cache/<dataset>/<backbone>[-flip].bin + .json, and index.json). Resumable: rerun
 * the same command after an interruption. Usage:
 *   pnpm --filter @mien/model research:extract --data fer2013/train --backbones faceapi-expression,faceres --flip both
 * A quick probe subset: --stride 14 --name fer2013/train-s14 (every 14th image). face-api's
 * expression net and its grid variants share one forward pass (their img/s is that pass's).
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { decodeAll, listClassFolders } from "../scripts/lib/class-folders.ts";
import { ML_CACHE, runMain, SHARED_DATA } from "../scripts/lib/paths.ts";
import { BACKBONE_IDS, isBackboneId, type BackboneId } from "../src/backbones/index.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { nodeModelSources } from "../src/model-files.node.ts";
import { pixelsToBatch, type PixelImage } from "../src/preprocess.ts";
import { EmbeddingWriter, hashPaths, readIndex, writeIndex, type DatasetIndex } from "./lib/embedding-cache.node.ts";
import { loadPass, planPasses } from "./lib/embedding-passes.ts";

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
  const summary: Array<{
    backbone: string;
    flip: boolean;
    dim: number;
    imgPerSec: number | null;
    cpuMsPerImage?: number;
    rows: number;
    sharedPass?: string[];
  }> = [];
  for (const group of planPasses(ids as BackboneId[])) {
    const pass = await loadPass(group, sources);
    const shared = group.length > 1 ? { sharedPass: [...group] } : {};
    for (const flip of flips) {
      const writers = await Promise.all(
        group.map((id, j) =>
          EmbeddingWriter.open(values.cache!, {
            dataset,
            backbone: id,
            flip,
            dim: pass.dims[j]!,
            count: images.length,
            listHash: index.listHash,
            input: pass.input,
          }),
        ),
      );
      const label = `${group.join("+")}${flip ? "-flip" : ""}`;
      writers.forEach((w, j) => {
        if (!w.complete) return;
        console.error(`${group[j]}${flip ? "-flip" : ""}: already complete`);
        summary.push({ backbone: group[j]!, flip, dim: pass.dims[j]!, imgPerSec: null, rows: w.rowsDone, ...shared });
      });
      const open = writers.map((_, j) => j).filter((j) => !writers[j]!.complete);
      if (!open.length) continue;
      // Writers of one pass may have stopped at different rows; each only takes rows it lacks.
      const have = writers.map((w) => w.rowsDone);
      const start = Math.min(...open.map((j) => have[j]!));
      const began = performance.now();
      // CPU time is steadier than wall time on a shared machine (wasm runs on one thread).
      const cpuBefore = process.cpuUsage();
      let logged = start;
      const pending = writers.map(() => ({ parts: [] as Float32Array[], rows: 0 }));
      for (let i = start; i < images.length; i += batch) {
        const slice: PixelImage[] = images.slice(i, Math.min(i + batch, images.length));
        const outs = pass.embed(pixelsToBatch(slice), { flip });
        const last = i + batch >= images.length;
        for (const j of open) {
          const dim = pass.dims[j]!;
          const rows = (await outs[j]!.data()) as Float32Array;
          if (!rows.every(Number.isFinite)) throw new Error(`${group[j]}: non-finite embedding in rows ${i}..${i + slice.length}.`);
          const skip = Math.max(0, have[j]! - i);
          if (skip < slice.length) {
            pending[j]!.parts.push(rows.subarray(skip * dim));
            pending[j]!.rows += slice.length - skip;
            have[j] = i + slice.length;
          }
          if (pending[j]!.rows >= CHUNK_ROWS || (last && pending[j]!.rows)) {
            const merged = new Float32Array(pending[j]!.rows * dim);
            let o = 0;
            for (const p of pending[j]!.parts) {
              merged.set(p, o);
              o += p.length;
            }
            await writers[j]!.append(merged);
            pending[j] = { parts: [], rows: 0 };
          }
        }
        tf.dispose(outs);
        const done = i + slice.length;
        if (done - logged >= CHUNK_ROWS || last) {
          logged = done;
          const ips = (done - start) / ((performance.now() - began) / 1000);
          console.error(`${label}: ${done}/${images.length}  ${ips.toFixed(1)} img/s  ETA ${((images.length - done) / ips / 60).toFixed(1)} min`);
        }
      }
      const ips = (images.length - start) / ((performance.now() - began) / 1000);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMsPerImage = Math.round(((cpu.user + cpu.system) / 1000 / (images.length - start)) * 100) / 100;
      for (const j of open) {
        await writers[j]!.finish(ips);
        summary.push({
          backbone: group[j]!,
          flip,
          dim: pass.dims[j]!,
          imgPerSec: Math.round(ips * 10) / 10,
          cpuMsPerImage,
          rows: writers[j]!.rowsDone,
          ...shared,
        });
      }
    }
    pass.dispose();
  }
  console.log(JSON.stringify({ dataset, backend: backend.name, summary }, null, 2));
});

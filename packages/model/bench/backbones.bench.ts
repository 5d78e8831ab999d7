/**
 * Throughput of every backbone and zero-shot peer on real FER2013 images (decode excluded,
 * preprocess included), on the backend Node picks. Usage:
 *   pnpm --filter @mien/model bench:backbones [--n 500] [--batch 32] [--only a,b]
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";

import type * as tf from "@tensorflow/tfjs";

import { decodeAll, listClassFolders } from "../scripts/lib/class-folders.ts";
import { runMain, SHARED_DATA } from "../scripts/lib/paths.ts";
import { BACKBONE_IDS, classifyCanonical, embedImages, loadBackbone, loadZeroShot, ZERO_SHOT_IDS } from "../src/backbones/index.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { nodeModelSources } from "../src/model-files.node.ts";
import { pixelsToBatch } from "../src/preprocess.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "500" },
    batch: { type: "string", default: "32" },
    only: { type: "string" },
    data: { type: "string", default: "fer2013/train" },
  },
});
runMain(async () => {
  const n = Number(values.n);
  const batch = Number(values.batch);
  const backend = await selectNodeBackend();
  const root = resolve(SHARED_DATA, values.data!);
  const all = await listClassFolders(root);
  // An even spread over classes: every k-th file of the sorted list.
  const step = Math.max(1, Math.floor(all.length / n));
  const files = all.filter((_, i) => i % step === 0).slice(0, n);
  const images = pixelsToBatch(await decodeAll(root, files));
  const sources = nodeModelSources();
  const only = values.only?.split(",");

  async function time(run: (x: tf.Tensor4D) => tf.Tensor): Promise<number> {
    const warm = run(images.slice([0, 0, 0, 0], [batch, -1, -1, -1]));
    await warm.data();
    warm.dispose();
    const start = performance.now();
    for (let i = 0; i < n; i += batch) {
      const x = images.slice([i, 0, 0, 0], [Math.min(batch, n - i), -1, -1, -1]);
      const out = run(x);
      await out.data();
      out.dispose();
      x.dispose();
    }
    return n / ((performance.now() - start) / 1000);
  }

  const rows: Array<{ model: string; kind: string; dim: number | null; inputSize: number; imgPerSec: number; minutesFor32k: number }> = [];
  for (const id of BACKBONE_IDS.filter((b) => !only || only.includes(b))) {
    const model = await loadBackbone(id, sources);
    const ips = await time((x) => embedImages(model, x));
    rows.push({
      model: id,
      kind: "backbone",
      dim: model.dim,
      inputSize: model.input.size,
      imgPerSec: Math.round(ips * 10) / 10,
      minutesFor32k: Math.round((32298 / ips / 60) * 10) / 10,
    });
    console.error(JSON.stringify(rows.at(-1)));
    model.dispose();
  }
  for (const id of ZERO_SHOT_IDS.filter((b) => !only || only.includes(b))) {
    const model = await loadZeroShot(id, sources);
    const ips = await time((x) => classifyCanonical(model, x));
    rows.push({
      model: id,
      kind: "zero-shot",
      dim: null,
      inputSize: model.input.size,
      imgPerSec: Math.round(ips * 10) / 10,
      minutesFor32k: Math.round((32298 / ips / 60) * 10) / 10,
    });
    console.error(JSON.stringify(rows.at(-1)));
    model.dispose();
  }
  console.log(JSON.stringify({ backend: backend.name, n, batch, rows }, null, 2));
});

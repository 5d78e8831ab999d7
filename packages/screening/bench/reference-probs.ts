// Tuning aid for MISLABEL_MIX (thresholds.ts): a model version's probabilities for every image of
// an embedding-cache dataset (research/extract-embeddings.ts), in the cache's row order and over
// EXPRESSION_CLASSES, for mislabel-study.ts --reference. The images are read whole (FER2013's are
// face crops already). Usage:
//   tsx packages/screening/bench/reference-probs.ts --cache /tmp/mlc --data fer2013/val --model models/fer7-ensemble --out /tmp/ref.json
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { loadExpressionModelFromDir, predictImages, selectNodeBackend } from "@mien/model/node";

import { toCanonical } from "../src/reference.ts";

const { values } = parseArgs({
  options: {
    cache: { type: "string", default: "/tmp/mlc" },
    data: { type: "string", default: "fer2013/val" },
    model: { type: "string", default: "models/fer7-ensemble" },
    out: { type: "string", default: "/tmp/reference-probs.json" },
  },
});
await selectNodeBackend({ log: () => {} });
const index = JSON.parse(await readFile(join(values.cache!, values.data!, "index.json"), "utf8")) as { root: string; paths: string[] };
const model = await loadExpressionModelFromDir(values.model!);
const started = performance.now();
const probs = await predictImages(model, index.paths, (path) => readFile(join(index.root, path)));
const canonical = toCanonical(probs, model.classes);
await writeFile(values.out!, JSON.stringify(Array.from(canonical)));
console.log(JSON.stringify({ images: index.paths.length, seconds: Math.round((performance.now() - started) / 100) / 10, out: values.out }));

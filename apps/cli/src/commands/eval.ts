import { EXPRESSION_CLASSES, type ExpressionClass } from "@mien/model";
import { listClassFolder, selectNodeBackend } from "@mien/model/node";

import { evalSummary } from "../training/eval-summary.ts";
import { predictFolder } from "../training/predict-folder.ts";
import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm --silent mien eval --model <version folder> --data <class-folder dir> [--json]

  --model DIR   a model version (manifest.json, model.json, shards), e.g. models/default
  --data DIR    labelled images as <dir>/<class>/<image>; folder names go through the class
                synonyms (angry → anger, happy → happiness, …)
  --json        print one JSON object: n, accuracy, macro_f1, top2, ece, per_class, confusion, classes`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    { args: argv, options: { model: { type: "string" }, data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (!values.model || !values.data) {
    console.error(`Missing ${values.model ? "--data" : "--model"}.\n\n${USAGE}`);
    return 2;
  }
  await selectNodeBackend({ log: () => {} });
  const files = await listClassFolder(values.data);
  const started = performance.now();
  const model = await predictFolder(values.model, files, (done, total) => {
    if (!values.json && (done === total || done % 512 === 0)) process.stderr.write(`\r${done}/${total}`);
  });
  const probs = model.probs;
  // Rows cover every class in the model or the data, in canonical order.
  const present = new Set<ExpressionClass>([...model.classes, ...files.map((f) => f.label)]);
  const classes = EXPRESSION_CLASSES.filter((c) => present.has(c));
  const summary = evalSummary(
    probs,
    model.classes,
    files.map((f) => f.label),
    classes,
  );
  const result = { model: values.model, data: values.data, ...summary, seconds: Math.round((performance.now() - started) / 100) / 10 };
  if (values.json) console.log(JSON.stringify(result));
  else {
    process.stderr.write("\n");
    console.log(
      `${summary.n} images: accuracy ${(summary.accuracy * 100).toFixed(2)}%, macro-F1 ${(summary.macro_f1 * 100).toFixed(2)}%, top-2 ${(summary.top2 * 100).toFixed(2)}%, ECE ${summary.ece.toFixed(4)}`,
    );
    for (const c of classes) {
      const m = summary.per_class[c]!;
      console.log(
        `  ${c.padEnd(10)} precision ${(m.precision * 100).toFixed(1).padStart(5)}%  recall ${(m.recall * 100).toFixed(1).padStart(5)}%  n=${m.support}`,
      );
    }
  }
  return 0;
}

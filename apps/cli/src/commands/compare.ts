import { relative } from "node:path";

import { compareModels, comparisonSentence } from "@mien/model";
import { listClassFolder, selectNodeBackend } from "@mien/model/node";

import { reportJson } from "../training/eval-summary.ts";
import { predictFolder } from "../training/predict-folder.ts";
import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm --silent mien compare --model A --model B --data <class-folder dir> [--json] [--flips]

  --model DIR   twice: the two model versions (version folders, e.g. models/default), A then B
  --data DIR    labelled images as <dir>/<class>/<image> (e.g. ../shared/data/fer2013/val)
  --json        print one JSON object: n, a and b (metrics), delta_accuracy (B − A), per_class_delta,
                mcnemar { b01: A wrong and B right, b10: A right and B wrong, p: McNemar's exact p }
  --flips       also list the images that flipped (to_right: A wrong → B right, to_wrong: the reverse)

Only classes both models output are scored; images of other classes are reported under "excluded".`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args: argv,
      options: {
        model: { type: "string", multiple: true },
        data: { type: "string" },
        json: { type: "boolean" },
        flips: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const models = values.model ?? [];
  if (models.length !== 2 || !values.data) {
    console.error(`${models.length !== 2 ? `Give exactly two --model folders (got ${models.length})` : "Missing --data"}.\n\n${USAGE}`);
    return 2;
  }
  await selectNodeBackend({ log: () => {} });
  const files = await listClassFolder(values.data);
  const progress = (name: string) => (done: number, total: number) => {
    if (!values.json && (done === total || done % 512 === 0)) process.stderr.write(`\r${name}: ${done}/${total}${done === total ? "\n" : ""}`);
  };
  const a = await predictFolder(models[0]!, files, progress("A"));
  const b = await predictFolder(models[1]!, files, progress("B"));
  const c = compareModels(
    files.map((f) => f.label),
    a,
    b,
  );
  const sentence = comparisonSentence(c);
  const result = {
    model_a: models[0],
    model_b: models[1],
    data: values.data,
    classes: c.classes,
    only_a: c.onlyA,
    only_b: c.onlyB,
    excluded: c.excluded,
    n: c.n,
    a: reportJson(c.a),
    b: reportJson(c.b),
    delta_accuracy: c.deltaAccuracy,
    per_class_delta: c.perClassDelta,
    mcnemar: c.mcnemar,
    sentence,
    ...(values.flips
      ? {
          flips: {
            to_right: c.flippedToRight.map((i) => relative(values.data!, files[i]!.path)),
            to_wrong: c.flippedToWrong.map((i) => relative(values.data!, files[i]!.path)),
          },
        }
      : {}),
  };
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(`${c.n} images, classes ${c.classes.join(", ")}`);
  if (c.onlyA.length || c.onlyB.length) console.log(`Not compared (only one model outputs them): ${[...c.onlyA, ...c.onlyB].join(", ")}`);
  const left = Object.entries(c.excluded);
  if (left.length) console.log(`Left out (label not a shared class): ${left.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`                 A        B        B − A`);
  for (const [name, key] of [
    ["accuracy", "accuracy"],
    ["balanced acc.", "balancedAccuracy"],
    ["macro-F1", "macroF1"],
    ["top-2", "top2"],
  ] as const) {
    console.log(`  ${name.padEnd(13)} ${pct(c.a[key]).padStart(7)}  ${pct(c.b[key]).padStart(7)}  ${((c.b[key] - c.a[key]) * 100).toFixed(2).padStart(7)} pt`);
  }
  console.log(`  ${"ECE".padEnd(13)} ${c.a.ece.toFixed(4).padStart(7)}  ${c.b.ece.toFixed(4).padStart(7)}`);
  for (const cls of c.classes) {
    const d = c.perClassDelta[cls]!;
    console.log(`  ${cls.padEnd(10)} recall ${(d.recall * 100).toFixed(1).padStart(6)} pt  precision ${(d.precision * 100).toFixed(1).padStart(6)} pt`);
  }
  console.log(`McNemar: ${c.mcnemar.b01} images A wrong → B right, ${c.mcnemar.b10} A right → B wrong, p = ${c.mcnemar.p.toPrecision(3)}`);
  console.log(sentence);
  return 0;
}

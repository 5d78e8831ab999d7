import { resolve } from "node:path";

import { TTA_MODES, type TtaMode } from "@mien/model/manifest";
import { listFolderDataset, selectNodeBackend } from "@mien/model/node";

import { ensembleFolders, valFigures, writeVersionFolder } from "../training/version-folder.ts";
import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm --silent mien ensemble --model DIR --model DIR [--model DIR …] --data DIR --out DIR --name NAME [--tta flip|flip-shift|flip-crop|none]

Combines trained versions into one whose prediction averages every member's log-probabilities,
then calibrates it (temperature, abstain threshold) on val and scores val and test, on the
quantised files, as training does.

  --model DIR   a version folder (manifest.json and its files); give two or more, or one
                ensemble to fit its networks' weights again (e.g. under another --tta)
  --data DIR    the <root>/<split>/<class>/ images the versions were trained on (val calibrates)
  --out DIR     where the new version folder goes (written whole, then swapped in)
  --name NAME   the new version's name
  --tta         flip: average with the mirrored face (default); flip-shift: conv members
                that see the crop also average 2 px shifts of it and its mirror; flip-crop:
                only members that see the crop average it with its mirror (members on
                face-api's features read it once, which saves a 112 px pass per frame); none
  --without NAME  leave out this network of the versions (repeatable; names as in their
                manifests' training.config.ensemble), e.g. the weaker members of an earlier ensemble
  --weights     fit: each network's share is chosen on val (lowest NLL after temperature
                scaling; a version that is itself an ensemble gives each of its networks a
                share of its own); equal: every network counts the same (default fit)`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args: argv,
      options: {
        model: { type: "string", multiple: true },
        data: { type: "string" },
        out: { type: "string" },
        name: { type: "string" },
        tta: { type: "string", default: "flip" },
        weights: { type: "string", default: "fit" },
        without: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  const models = values.model ?? [];
  const missing = [models.length < 1 ? "--model" : "", values.data ? "" : "--data", values.out ? "" : "--out", values.name ? "" : "--name"].filter(Boolean);
  if (missing.length) {
    console.error(`Missing ${missing.join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  if (!(TTA_MODES as readonly string[]).includes(values.tta!)) {
    console.error(`--tta must be ${TTA_MODES.join(", ")}, not "${values.tta}".\n\n${USAGE}`);
    return 2;
  }
  if (values.weights !== "fit" && values.weights !== "equal") {
    console.error(`--weights must be fit or equal, not "${values.weights}".\n\n${USAGE}`);
    return 2;
  }
  await selectNodeBackend({ log: () => {} });
  const result = await ensembleFolders({
    dirs: models,
    images: () => listFolderDataset(values.data!),
    name: values.name!,
    tta: values.tta as TtaMode,
    weights: values.weights,
    without: values.without,
    onProgress: async (done, total, s) => {
      if (done === total || done % 1024 === 0) process.stderr.write(`\r${s} ${done}/${total}`);
    },
  });
  if (typeof result === "string") {
    console.error(`${result}\n\n${USAGE}`);
    return 2;
  }
  process.stderr.write("\n");
  await writeVersionFolder(resolve(values.out!), result.files);
  console.log(
    JSON.stringify({
      out: resolve(values.out!),
      contentHash: result.contentHash,
      members: (result.manifest.training.config.ensemble as { name: string; valAccuracy?: number; weight: number }[]).map((p) => ({
        name: p.name,
        val: p.valAccuracy,
        weight: p.weight,
      })),
      val: valFigures(result.manifest.metrics.val),
      temperature: result.manifest.calibration.temperature,
      priorCorrection: result.manifest.calibration.priorCorrection?.strength ?? 0,
    }),
  );
  return 0;
}

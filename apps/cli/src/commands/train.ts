import { readFile } from "node:fs/promises";

import { envValue } from "@mien/env";

import { CONFIG_OPTIONS, CONFIG_USAGE, configFromFlags } from "../training/config-flags.ts";
import { trainFromFolder } from "../training/train-folder.ts";
import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage:
  pnpm mien train --snapshot <id or content hash> [config flags] [--wait]
      queue a training job on a dataset snapshot for the trainer worker (as the admin page does)
  pnpm mien train --data <root with train/ val/ [test/] class folders> --out <version folder> [config flags]
      train in this process, straight from folders, into a version folder (how models/default is made)

  --ml-cache DIR   seed the embedding cache from an ML-study cache (default $MIEN_ML_CACHE)
  --cache DIR      embedding cache (default <data dir>/embeddings)

${CONFIG_USAGE}`;

const FOLDER_SNAPSHOT_ID = "00000000-0000-4000-8000-000000000000";

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args: argv,
      options: {
        ...CONFIG_OPTIONS,
        snapshot: { type: "string" },
        data: { type: "string" },
        out: { type: "string" },
        wait: { type: "boolean" },
        "ml-cache": { type: "string" },
        cache: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values } = parsed;
  if (values.data) {
    if (!values.out) {
      console.error(`--data needs --out <version folder>.\n\n${USAGE}`);
      return 2;
    }
    const config = configFromFlags(values, { name: "default", snapshotId: FOLDER_SNAPSHOT_ID });
    const classesGiven = Boolean(values.classes) || Boolean(values.config && /"classes"/.test(await readFile(values.config, "utf8")));
    const summary = await trainFromFolder({
      data: values.data,
      out: values.out,
      config,
      classesGiven,
      cache: values.cache,
      mlCache: values["ml-cache"] ?? envValue("MIEN_ML_CACHE"),
    });
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  if (values.snapshot) {
    const { queueTraining } = await import("../training/queue-training.ts");
    return queueTraining(values, values.snapshot, Boolean(values.wait));
  }
  console.error(`Give --snapshot (queue a job) or --data and --out (train from folders).\n\n${USAGE}`);
  return 2;
}

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { createProgressReporter, formatSummary, runImport, UnknownLabelsError, type ImportSummary } from "@mien/dataset";
import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { createStorage } from "@mien/storage";

import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm mien import <folder or labels.csv> [--map from=to]... [--report <file.json>] [--concurrency N]

  <folder>        class folders (<class>/*.jpg, optionally under train/ val/ test/),
                  or a folder with a labels CSV (image and label columns)
  --map from=to   treat label "from" as class "to" (repeatable), e.g. --map puzzled=surprise
  --report FILE   where to write the full JSON report (default <data dir>/reports/import-<run id>.json)
  --concurrency N images decoded at once (default 2 × CPU cores)

Running it again for the same path adds nothing new; an interrupted import continues where it stopped.`;

function parseMap(pairs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq < 0 || !from || !to) throw new Error(`--map expects from=to (e.g. --map puzzled=surprise), got "${pair}".`);
    map[from] = to;
  }
  return map;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    {
      args: argv,
      allowPositionals: true,
      options: {
        map: { type: "string", multiple: true, default: [] },
        report: { type: "string" },
        concurrency: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(`${positionals.length ? "Give one path to import." : "Missing the path to import."}\n\n${USAGE}`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    console.error(`--concurrency must be a positive whole number, got "${values.concurrency}".`);
    return 2;
  }
  let map: Record<string, string>;
  try {
    map = parseMap(values.map);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  // pnpm runs root scripts from the repository root, so `../shared/data/x` means what the README says.
  const root = resolve(process.cwd(), positionals[0]!);

  const env = loadServerEnv();
  const db = createDb(env.DATABASE_URL);
  const progress = createProgressReporter({ tty: Boolean(process.stderr.isTTY) });
  let summary: ImportSummary;
  try {
    summary = await runImport({ db, storage: createStorage(env), root, map, concurrency, onProgress: (p) => progress.update(p) });
  } catch (err) {
    progress.stop();
    if (err instanceof UnknownLabelsError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  } finally {
    await db.$disconnect();
  }
  progress.stop();

  const reportPath = values.report ? resolve(process.cwd(), values.report) : join(env.dataDir, "reports", `import-${summary.runId}.json`);
  await mkdir(resolve(reportPath, ".."), { recursive: true });
  await writeFile(reportPath, JSON.stringify({ root, finishedAt: new Date().toISOString(), ...summary }, null, 2) + "\n");
  console.log(formatSummary(summary, { reportPath }));
  return 0;
}

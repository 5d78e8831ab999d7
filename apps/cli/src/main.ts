// `pnpm mien <verb> …`: one entry point for every command-line task.
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  import: { summary: "import <path> [--map from=to …]   import a folder or labels CSV", load: () => import("./commands/import.ts") },
  user: { summary: "user add --email E --password P --role user|curator|admin", load: () => import("./commands/user.ts") },
  screen: {
    summary: "screen [--stages …] [--force] [--here]  screen the image set (duplicates, faces, OCR, mislabels)",
    load: () => import("./commands/screen.ts"),
  },
  migrate: { summary: "migrate                            apply database migrations", load: () => import("./commands/migrate.ts") },
  snapshot: {
    summary: "snapshot create|list|export          freeze the curated set, list snapshots, export one as class folders or CSV",
    load: () => import("./commands/snapshot.ts"),
  },
  train: { summary: "train --snapshot ID | --data DIR --out DIR   train an expression model (--help for options)", load: () => import("./commands/train.ts") },
  "train-default": {
    summary: "train-default [--target NAME] [--data DIR]   reproduce a committed version (default fer7-ensemble-v2) and all it needs",
    load: () => import("./commands/train-default.ts"),
  },
  ensemble: {
    summary: "ensemble --model DIR --model DIR … --data DIR --out DIR --name N   average trained versions into one",
    load: () => import("./commands/ensemble.ts"),
  },
  eval: { summary: "eval --model DIR --data DIR [--json]  evaluate a model version on class folders", load: () => import("./commands/eval.ts") },
  compare: {
    summary: "compare --model A --model B --data DIR [--json]  two versions side by side on the same images, McNemar's exact test",
    load: () => import("./commands/compare.ts"),
  },
  register: {
    summary: "register <version folder> [--json]  publish a version folder (e.g. models/fer7-ensemble) to the model registry",
    load: () => import("./commands/register.ts"),
  },
  status: {
    summary: "status                             the configuration in use and whether PostgreSQL and Redis answer",
    load: () => import("./commands/status.ts"),
  },
  bootstrap: {
    summary: "bootstrap                          import the demo sample into an empty database, create the first admin",
    load: () => import("./commands/bootstrap.ts"),
  },
};

function usage(): string {
  return ["Usage: pnpm mien <command> [options]", "", ...Object.values(COMMANDS).map((c) => `  ${c.summary}`)].join("\n");
}

const [verb, ...rest] = process.argv.slice(2);
const command = verb ? COMMANDS[verb] : undefined;
if (!command) {
  console.error(verb && verb !== "--help" ? `Unknown command "${verb}".\n\n${usage()}` : usage());
  process.exit(verb && verb !== "--help" ? 2 : 0);
}
try {
  const mod = await command.load();
  process.exitCode = await mod.run(rest);
} catch (err) {
  console.error(`mien ${verb}: ${(err as Error).message}`);
  process.exitCode = 1;
}

// Generates the Prisma client offline. Prisma 7's CLI tries to download its
// schema engine before any command; `generate` never runs it, so pointing the
// variable at any existing file lets generation proceed with no network.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const require = createRequire(join(pkgDir, "package.json"));
const prismaCli = join(dirname(require.resolve("prisma/package.json")), "build", "index.js");

const result = spawnSync(process.execPath, [prismaCli, "generate"], {
  cwd: pkgDir,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);

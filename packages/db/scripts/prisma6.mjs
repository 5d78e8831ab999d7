// Runs Prisma 6's CLI with its wasm schema engine, which needs no download.
// Prisma 7 (the client we ship) cannot diff offline; Prisma 6.19 can, given
// `engine: "js"`, a driver adapter and any existing file for the engine paths.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(pkgDir, "package.json"));

/** Prisma 6 insists on a datasource url even where it never connects. */
function toPrisma6Schema(schemaText) {
  return schemaText.replace(
    /datasource db \{\s*provider\s*=\s*"postgresql"\s*\}/,
    'datasource db {\n  provider = "postgresql"\n  url      = "postgresql://unused"\n}',
  );
}

/**
 * Returns the SQL that takes a database from `fromSchema` (null: empty) to `toSchema`.
 * Both are Prisma 7 schema texts.
 */
export function diffSql(fromSchema, toSchema) {
  // The wasm engine opens (but does not change) a database even for a pure schema diff.
  const connectionString = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const work = mkdtempSync(join(tmpdir(), "mien-prisma6-"));
  try {
    mkdirSync(join(work, "node_modules"));
    symlinkSync(dirname(require.resolve("prisma6/package.json")), join(work, "node_modules", "prisma"));
    const adapter = require.resolve("@prisma/adapter-pg").replace(/index\.js$/, "index.mjs");
    writeFileSync(
      join(work, "prisma.config.mjs"),
      `import { defineConfig } from "prisma/config";
import { PrismaPg } from ${JSON.stringify(adapter)};
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: "to.prisma",
  adapter: async () => new PrismaPg({ connectionString: ${JSON.stringify(connectionString)} }),
});
`,
    );
    writeFileSync(join(work, "to.prisma"), toPrisma6Schema(toSchema));
    const args = ["migrate", "diff", "--to-schema-datamodel", "to.prisma", "--script"];
    if (fromSchema === null) args.push("--from-empty");
    else {
      writeFileSync(join(work, "from.prisma"), toPrisma6Schema(fromSchema));
      args.push("--from-schema-datamodel", "from.prisma");
    }
    const cli = join(work, "node_modules", "prisma", "build", "index.js");
    const res = spawnSync(process.execPath, [cli, ...args], {
      cwd: work,
      encoding: "utf8",
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
    });
    if (res.status !== 0) throw new Error(`prisma migrate diff failed:\n${res.stderr}`);
    return res.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// Usage: pnpm --filter @mien/db migration:new <name>   (writes a new migration)
//        pnpm --filter @mien/db migration:new --check  (fails if schema.prisma has unmigrated changes)
// The newest migration folder keeps the schema.prisma it leads to, so the next diff
// starts from there without a shadow database; older folders need only their
// migration.sql (the runner checksums nothing else), so their copies are removed.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { diffSql } from "./prisma6.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const migrationsDir = join(pkgDir, "prisma", "migrations");
const current = readFileSync(join(pkgDir, "prisma", "schema.prisma"), "utf8");

const folders = existsSync(migrationsDir)
  ? readdirSync(migrationsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];
const withSchema = folders.filter((f) => existsSync(join(migrationsDir, f, "schema.prisma")));
const last = withSchema.at(-1);
const previous = last ? readFileSync(join(migrationsDir, last, "schema.prisma"), "utf8") : null;

const sql = diffSql(previous, current);
const empty = sql.trim() === "" || /^-- This is an empty migration\.?\s*$/.test(sql.trim());
const arg = process.argv[2];

if (arg === "--check") {
  if (!empty) {
    console.error(`schema.prisma has changes no migration covers. Run: pnpm --filter @mien/db migration:new <name>\n\n${sql}`);
    process.exit(1);
  }
  console.log("migrations cover schema.prisma");
  process.exit(0);
}
if (!arg || !/^[a-z0-9_]+$/.test(arg)) {
  console.error("Usage: migration:new <snake_case_name> | --check");
  process.exit(2);
}
if (empty) {
  console.log("schema.prisma matches the last migration; nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = join(migrationsDir, `${stamp}_${arg}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "migration.sql"), sql);
writeFileSync(join(dir, "schema.prisma"), current);
if (last) rmSync(join(migrationsDir, last, "schema.prisma"));
console.log(`wrote ${dir}/migration.sql`);

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { defineConfig } from "vitest/config";

// Two projects over the same files. "unit" needs nothing running; "integration" uses the real
// PostgreSQL and Redis (and the worker processes). `pnpm test` runs both (see scripts/test.sh);
// `pnpm test:unit` is the quick local run that needs no database.
const ROOTS = ["packages", "apps"];
const UNDER = ["src", "scripts", "research"];
/** What marks a test as needing services: a database, Redis, a queue, or child processes that use them. */
const NEEDS_SERVICES =
  /createTestDatabase|createEmptyDatabase|@mien\/db\/testing|DATABASE_URL|REDIS_URL|createDb\(|from "pg"|ioredis|redis-server|redisConnection|Queue\(|QueueEvents|spawn|fixtures\.testing|callerAs\(|cliSandbox\(/;

function testFiles(): string[] {
  const files: string[] = [];
  for (const root of ROOTS) {
    for (const pkg of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const under of UNDER) {
        const dir = join(root, pkg.name, under);
        let entries: string[];
        try {
          entries = readdirSync(dir, { recursive: true, encoding: "utf8" });
        } catch {
          continue;
        }
        for (const e of entries) if (e.endsWith(".test.ts") && !e.includes("node_modules") && !e.includes("generated")) files.push(join(dir, e));
      }
    }
  }
  return files.sort();
}

const files = testFiles();
const integration = files.filter((f) => NEEDS_SERVICES.test(readFileSync(f, "utf8")));
const unit = files.filter((f) => !integration.includes(f));

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: unit } },
      { extends: true, test: { name: "integration", include: integration } },
    ],
  },
});

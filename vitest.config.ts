import { defineConfig } from "vitest/config";

// One run covers every package: unit tests and integration tests against the
// real PostgreSQL and Redis (see scripts/test.sh for how they are provided).
export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "packages/*/scripts/**/*.test.ts", "packages/*/research/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});

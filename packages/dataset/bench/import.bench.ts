// `pnpm bench:import`: imports the facial-expressions corpus into a throwaway
// database and storage folder, and prints one JSON line with the speed.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

import { createTestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { runImport } from "../src/index.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..");
const { values } = parseArgs({
  options: { root: { type: "string" }, concurrency: { type: "string" }, threads: { type: "string" }, "storage-dir": { type: "string" } },
});
const root = resolve(REPO_ROOT, values.root ?? "../shared/data/facial-expressions");
const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
const threads = values.threads ? Number(values.threads) : undefined;

/**
 * CPU seconds used so far by every PostgreSQL process (Linux /proc; null elsewhere).
 * On a 2-core machine the database shares the cores with the importer, so it belongs in the budget.
 */
function postgresCpuSeconds(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (!stat.includes("(postgres)")) continue;
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
      } catch {
        // The process ended while we looked.
      }
    }
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const t = await createTestDatabase("mien_bench_import");
// A fresh folder under the OS temp dir, or under --storage-dir (e.g. /dev/shm to leave the disk out of it).
const dir = mkdtempSync(join(values["storage-dir"] ?? tmpdir(), "mien-bench-storage-"));
try {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const pgStart = postgresCpuSeconds();
  const s = await runImport({ db: t.db, storage: new LocalStorage(dir), root, concurrency, threads });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const pgEnd = postgresCpuSeconds();
  const rate = s.imported / seconds;
  const importerMs = (cpu.user + cpu.system) / 1000 / s.imported;
  const postgresMs = pgStart !== null && pgEnd !== null ? ((pgEnd - pgStart) * 1000) / s.imported : null;
  const cores = availableParallelism();
  // What the CPU time per image allows when the cores are not shared with anything else.
  const cpuBoundRate = postgresMs !== null ? (cores * 1000) / (importerMs + postgresMs) : null;
  console.log(
    JSON.stringify({
      images: s.imported,
      seconds: Number(seconds.toFixed(2)),
      images_per_s: Number(rate.toFixed(1)),
      equivalent_29k_seconds: Number((29_000 / rate).toFixed(1)),
      goal_29k_seconds: 60,
      seen: s.seen,
      failed: s.failed,
      cores,
      concurrency: concurrency ?? 4 * cores,
      threads: threads ?? cores,
      // Importer (all its threads) plus PostgreSQL: what one image costs, whoever else uses the cores.
      cpu_ms_per_image: postgresMs === null ? null : Number((importerMs + postgresMs).toFixed(2)),
      importer_cpu_ms_per_image: Number(importerMs.toFixed(2)),
      postgres_cpu_ms_per_image: postgresMs === null ? null : Number(postgresMs.toFixed(2)),
      cpu_bound_images_per_s: cpuBoundRate === null ? null : Number(cpuBoundRate.toFixed(1)),
      cpu_bound_29k_seconds: cpuBoundRate === null ? null : Number((29_000 / cpuBoundRate).toFixed(1)),
      load_average_1m: Number(loadavg()[0]!.toFixed(2)),
      root,
      storage_dir: dir,
    }),
  );
} finally {
  await t.drop();
  rmSync(dir, { recursive: true, force: true });
}

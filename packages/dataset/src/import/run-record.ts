import { hostname } from "node:os";

import type { Db } from "@mien/db";

import type { ImportLayout, ImportProgress } from "../types.ts";

// Types, not interfaces: Prisma's Json input only accepts object types without declared shapes.
type Owner = {
  pid: number;
  host: string;
  heartbeatAt: string;
};

export type RunOptions = {
  map: Record<string, string>;
  maxPixels: number;
  owner?: Owner;
};

// A run whose owner has not written for this long is presumed dead, even on another machine.
const STALE_AFTER_MS = 2 * 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function owner(): Owner {
  return { pid: process.pid, host: hostname(), heartbeatAt: new Date().toISOString() };
}

/**
 * The run to write into: the latest unfinished run for this source (so an
 * import killed half-way continues where it was), or a new one. Refuses while
 * another live process is still importing the same source.
 */
export async function claimRun(
  db: Db,
  args: { source: string; layout: ImportLayout; options: Omit<RunOptions, "owner">; startedById?: string },
): Promise<{ id: string; resumed: boolean }> {
  const last = await db.importRun.findFirst({ where: { root: args.source }, orderBy: { startedAt: "desc" } });
  const options = { ...args.options, owner: owner() };
  if (last && last.status !== "completed") {
    const prev = (last.options as Partial<RunOptions> | null)?.owner;
    if (last.status === "running" && prev && prev.pid !== process.pid) {
      const fresh = Date.now() - Date.parse(prev.heartbeatAt) < STALE_AFTER_MS;
      const alive = prev.host === hostname() ? isAlive(prev.pid) && fresh : fresh;
      if (alive) {
        throw new Error(
          `${args.source} is already being imported (run ${last.id}, process ${prev.pid} on ${prev.host}). Wait for it to finish, or stop that process and run the import again to continue it.`,
        );
      }
    }
    await db.importRun.update({
      where: { id: last.id },
      data: { status: "running", layout: args.layout, options: { ...options }, finishedAt: null },
    });
    return { id: last.id, resumed: true };
  }
  const run = await db.importRun.create({
    data: { root: args.source, layout: args.layout, options: { ...options }, startedById: args.startedById ?? null },
  });
  return { id: run.id, resumed: false };
}

/** Saves the counters and proves the owner is alive. */
export async function heartbeat(db: Db, runId: string, options: Omit<RunOptions, "owner">, p: ImportProgress): Promise<void> {
  await db.importRun.update({
    where: { id: runId },
    data: { seen: p.seen, imported: p.imported, skipped: p.skipped, failed: p.failed, options: { ...options, owner: owner() } },
  });
}

export async function finishRun(db: Db, runId: string, status: "completed" | "failed", p: ImportProgress): Promise<void> {
  await db.importRun.update({
    where: { id: runId },
    data: { status, finishedAt: new Date(), seen: p.seen, imported: p.imported, skipped: p.skipped, failed: p.failed },
  });
}

import { startTraining } from "@mien/api";
import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { trainingQueue, trainingQueueEvents } from "@mien/jobs";

import { configFromFlags, type CONFIG_OPTIONS } from "./config-flags.ts";

type Values = Partial<Record<keyof typeof CONFIG_OPTIONS, string | boolean>>;

/** `mien train --snapshot`: queues a job as the admin page does; with --wait, follows it to the end. */
export async function queueTraining(values: Values, snapshotRef: string, wait: boolean): Promise<number> {
  const env = loadServerEnv();
  const db = createDb(env.DATABASE_URL);
  const queue = trainingQueue(env.REDIS_URL);
  try {
    const snapshot = await db.datasetSnapshot.findFirst({
      where: /^[0-9a-f]{64}$/.test(snapshotRef) ? { contentHash: snapshotRef } : { id: snapshotRef },
      select: { id: true, name: true, classCounts: true },
    });
    if (!snapshot) throw new Error(`No dataset snapshot ${snapshotRef}; give a snapshot id or content hash.`);
    const admin = await db.user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" }, select: { id: true } });
    if (!admin) throw new Error("No admin user exists to own the job; run `pnpm mien bootstrap` first.");
    const inTrain = Object.keys((snapshot.classCounts as { train?: Record<string, number> }).train ?? {});
    const config = configFromFlags(values, {
      name: `${snapshot.name}-model`.replace(/[^A-Za-z0-9._-]/g, "-"),
      snapshotId: snapshot.id,
      classes: inTrain as never,
    });
    const { id } = await startTraining(db, queue, { config, actorId: admin.id });
    console.error(`Queued training job ${id} on snapshot "${snapshot.name}".`);
    if (!wait) {
      console.log(JSON.stringify({ id }));
      return 0;
    }
    const events = trainingQueueEvents(env.REDIS_URL);
    try {
      events.on("progress", ({ jobId, data }) => {
        const p = data as { stage?: string; percent?: number; message?: string };
        if (jobId === id && p.message) console.error(`[${p.stage} ${Math.round(p.percent ?? 0)}%] ${p.message}`);
      });
      const job = await queue.getJob(id);
      const result = await job!.waitUntilFinished(events);
      console.log(JSON.stringify(result));
      return 0;
    } finally {
      await events.close();
    }
  } finally {
    await queue.close();
    await db.$disconnect();
  }
}

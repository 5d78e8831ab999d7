import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { runWorkerProcess } from "@mien/jobs";
import { startScreener } from "@mien/screening";
import { createStorage } from "@mien/storage";

const env = loadServerEnv();
await runWorkerProcess({
  name: "screener",
  redisUrl: env.REDIS_URL,
  prefix: env.MIEN_QUEUE_PREFIX,
  waitingFor: "screening runs",
  start: () => {
    const db = createDb(env.DATABASE_URL, { max: 4 });
    const screener = startScreener({
      redisUrl: env.REDIS_URL,
      prefix: env.MIEN_QUEUE_PREFIX,
      db,
      storage: createStorage(env),
      // Only tests shorten these, to see a killed screener's run resumed quickly.
      lockDuration: env.MIEN_SCREENER_LOCK_MS,
      stalledInterval: env.MIEN_SCREENER_STALLED_MS,
    });
    // Closing finishes the current batch, so the run resumes from its last committed one.
    return { waitUntilReady: () => screener.worker.waitUntilReady(), close: () => screener.close().then(() => db.$disconnect()) };
  },
});

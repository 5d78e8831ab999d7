import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { startScreener } from "@mien/screening";
import { createStorage } from "@mien/storage";

const env = loadServerEnv();
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
await screener.worker.waitUntilReady();
console.log(`screener: waiting for screening runs on ${env.REDIS_URL.replace(/\/\/[^@]*@/, "//***@")} (prefix ${env.MIEN_QUEUE_PREFIX})`);

// Finish the current batch and release the job's lock before exiting, so another screener
// (or this one, restarted) resumes the run at once from its last committed batch.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`screener: ${signal}, closing`);
    void screener
      .close()
      .then(() => db.$disconnect())
      .then(() => process.exit(0));
  });
}

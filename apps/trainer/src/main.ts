import { loadServerEnv } from "@mien/env";
import { startTrainer } from "./worker.ts";

const env = loadServerEnv();
const worker = startTrainer({ redisUrl: env.REDIS_URL });
await worker.waitUntilReady();
console.log(`trainer: waiting for jobs on ${env.REDIS_URL.replace(/\/\/[^@]*@/, "//***@")}`);

// Finish the current job's step and release its lock before exiting, so
// another worker can pick it up at once instead of waiting for the lock to expire.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`trainer: ${signal}, closing`);
    void worker.close().then(() => process.exit(0));
  });
}

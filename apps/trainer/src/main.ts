import { join } from "node:path";
import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { queuePrefix } from "@mien/jobs";
import { codeVersion, EmbeddingStore, nodeModelSources } from "@mien/model/node";
import { createStorage } from "@mien/storage";
import { selectTrainerBackend } from "./backend.ts";
import { startEvaluator } from "./evaluation/worker.ts";
import { startTrainer } from "./worker.ts";

const env = loadServerEnv();
// Logs which backend it is: tfjs-node-gpu, tfjs-node, wasm or cpu.
const backend = await selectTrainerBackend((line) => console.log(`trainer: ${line}`));
const embeddings = new EmbeddingStore(env.MIEN_EMBEDDING_CACHE ?? join(env.dataDir, "embeddings"));
const storage = createStorage(env);
const db = createDb(env.DATABASE_URL);
const worker = startTrainer({
  redisUrl: env.REDIS_URL,
  prefix: queuePrefix(),
  lockDuration: env.MIEN_TRAINER_LOCK_MS,
  stalledInterval: env.MIEN_TRAINER_STALLED_MS,
  deps: { db, storage, embeddings, sources: nodeModelSources(), backend: backend.name, threads: env.MIEN_TRAINER_THREADS, codeVersion: codeVersion() },
});
// Scores every published version on every pinned evaluation set, in the same process (same backend).
const evaluator = startEvaluator({ redisUrl: env.REDIS_URL, prefix: queuePrefix(), deps: { db, storage, sources: nodeModelSources(), backend: backend.name } });
const queueMissing = () =>
  evaluator.queueMissing().then(
    (n) => n && console.log(`trainer: ${n} evaluation(s) queued`),
    (e: unknown) => console.error(`trainer: could not queue evaluations: ${(e as Error).message}`),
  );
// A newly published version is scored on every pinned set; versions registered by other means
// (pnpm start's default model, pnpm mien ensemble) are caught at start.
worker.on("completed", () => void queueMissing());
await worker.waitUntilReady();
await evaluator.worker.waitUntilReady();
await queueMissing();
console.log(`trainer: waiting for jobs on ${env.REDIS_URL.replace(/\/\/[^@]*@/, "//***@")} (prefix ${queuePrefix()})`);

// Finish the current job's step and release its lock before exiting, so
// another worker can pick it up at once instead of waiting for the lock to expire.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`trainer: ${signal}, closing`);
    void Promise.all([worker.close(), evaluator.close()]).then(() => embeddings.close()).then(() => process.exit(0));
  });
}

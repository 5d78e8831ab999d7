import { join } from "node:path";

import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { runWorkerProcess } from "@mien/jobs";
import { codeVersion, EmbeddingStore, nodeModelSources } from "@mien/model/node";
import { createStorage } from "@mien/storage";

import { selectTrainerBackend } from "./backend.ts";
import { startEvaluator } from "./evaluation/worker.ts";
import { startTrainer } from "./worker.ts";

const env = loadServerEnv();
// Logs which backend it is: tfjs-node-gpu, tfjs-node, wasm or cpu.
const backend = await selectTrainerBackend((line) => console.log(`trainer: ${line}`));
const embeddings = new EmbeddingStore(env.MIEN_EMBEDDING_CACHE ?? join(env.dataDir, "embeddings"));
await runWorkerProcess({
  name: "trainer",
  redisUrl: env.REDIS_URL,
  prefix: env.MIEN_QUEUE_PREFIX,
  waitingFor: "jobs",
  start: () => {
    const storage = createStorage(env);
    const db = createDb(env.DATABASE_URL);
    const worker = startTrainer({
      redisUrl: env.REDIS_URL,
      prefix: env.MIEN_QUEUE_PREFIX,
      lockDuration: env.MIEN_TRAINER_LOCK_MS,
      stalledInterval: env.MIEN_TRAINER_STALLED_MS,
      deps: { db, storage, embeddings, sources: nodeModelSources(), backend: backend.name, threads: env.MIEN_TRAINER_THREADS, codeVersion: codeVersion() },
    });
    // Scores every published version on every pinned evaluation set, in the same process (same backend).
    const evaluator = startEvaluator({
      redisUrl: env.REDIS_URL,
      prefix: env.MIEN_QUEUE_PREFIX,
      deps: { db, storage, sources: nodeModelSources(), backend: backend.name },
    });
    const queueMissing = () =>
      evaluator.queueMissing().then(
        (n) => n && console.log(`trainer: ${n} evaluation(s) queued`),
        (e: unknown) => console.error(`trainer: could not queue evaluations: ${(e as Error).message}`),
      );
    // A newly published version is scored on every pinned set; versions registered by other means
    // (pnpm start's default model; pnpm mien register queues its own when Redis answers) are caught at start.
    worker.on("completed", () => void queueMissing());
    return {
      async waitUntilReady() {
        await worker.waitUntilReady();
        await evaluator.worker.waitUntilReady();
        await queueMissing();
      },
      close: () => Promise.all([worker.close(), evaluator.close()]).then(() => embeddings.close()),
    };
  },
});

import { Worker } from "bullmq";
import { QUEUE_NAMES, redisConnection } from "@mien/jobs";
import { handleTrainingJob } from "./handler.ts";

export interface TrainerOptions {
  redisUrl: string;
  concurrency?: number;
  log?: (line: string) => void;
}

/** One BullMQ worker on the training queue. BullMQ's job locks keep two workers off the same job. */
export function startTrainer({ redisUrl, concurrency = 1, log = console.log }: TrainerOptions): Worker {
  const worker = new Worker(QUEUE_NAMES.training, handleTrainingJob, {
    connection: redisConnection(redisUrl),
    concurrency,
  });
  worker.on("active", (job) => log(`training job ${job.id} started`));
  worker.on("completed", (job) => log(`training job ${job.id} completed`));
  worker.on("failed", (job, err) => log(`training job ${job?.id ?? "?"} failed: ${err.message}`));
  worker.on("error", (err) => log(`trainer error: ${err.message}`));
  return worker;
}

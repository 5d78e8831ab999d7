import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { trainingQueue, trainingQueueEvents, type TrainingProgress } from "@mien/jobs";
import { startTrainer } from "./worker.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("trainer worker (real Redis)", () => {
  const queue = trainingQueue(REDIS_URL);
  const events = trainingQueueEvents(REDIS_URL);
  const worker = startTrainer({ redisUrl: REDIS_URL, log: () => undefined });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await events.close();
  });

  it("processes a valid job and streams progress through BullMQ events", async () => {
    await events.waitUntilReady();
    const seen: TrainingProgress[] = [];
    events.on("progress", ({ data }) => seen.push(data as TrainingProgress));
    const job = await queue.add("train", { v: 1, trainingJobId: randomUUID(), snapshotId: randomUUID() });
    const result = await job.waitUntilFinished(events, 20_000);
    expect(result).toMatchObject({ status: "completed", trainingJobId: job.data.trainingJobId });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((p) => p.stage)).toContain("done");
    expect(seen.at(-1)?.percent).toBe(100);
  });

  it("fails a job whose payload does not validate, with a clear reason", async () => {
    const job = await queue.add("train", { v: 2, trainingJobId: "nope" }, { attempts: 1 });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/invalid payload/);
  });
});

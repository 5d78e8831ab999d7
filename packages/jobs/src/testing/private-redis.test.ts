import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

import { trainingQueue } from "../queues.ts";
import { NO_REDIS_PERSISTENCE, startPrivateRedis, type PrivateRedis } from "./private-redis.ts";

const opened: PrivateRedis[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
  for (const redis of opened) await redis.close();
});

async function queueOn(options?: Parameters<typeof startPrivateRedis>[0]) {
  const redis = await startPrivateRedis(options);
  opened.push(redis);
  const queue = trainingQueue({ redisUrl: redis.url, prefix: "mien-test-private-redis" });
  queue.on("error", () => undefined); // ECONNREFUSED while Redis restarts; the queue reconnects.
  closers.push(() => queue.close());
  return { redis, queue };
}

describe("a private redis-server for restart tests", () => {
  it("runs with the project's append-only file, and a queued job survives SHUTDOWN and SIGTERM restarts", async () => {
    const { redis, queue } = await queueOn();
    const probe = new Redis(redis.url, { lazyConnect: true });
    await probe.connect();
    expect(await probe.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
    expect(await probe.config("GET", "appendfsync")).toEqual(["appendfsync", "everysec"]);
    probe.disconnect();

    await queue.add("train", { v: 2, marker: "kept" }, { jobId: "job-1" });
    await redis.restart({ how: "shutdown" });
    await redis.restart({ how: "sigterm", downMs: 200 });
    expect(redis.starts).toBe(3);
    const job = await queue.getJob("job-1");
    expect(job?.data).toEqual({ v: 2, marker: "kept" });
    expect(await job?.getState()).toBe("waiting");
  }, 60_000);

  it("loses the same job when Redis runs without persistence (so the check above can fail)", async () => {
    const { redis, queue } = await queueOn({ persistence: NO_REDIS_PERSISTENCE });
    await queue.add("train", { v: 2, marker: "lost" }, { jobId: "job-1" });
    expect(await queue.getJob("job-1")).toBeDefined();
    await redis.restart({ how: "shutdown" });
    expect(await queue.getJob("job-1")).toBeUndefined();
  }, 60_000);
});

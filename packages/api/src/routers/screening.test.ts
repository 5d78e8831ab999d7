import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { closeProcessQueues, processQueues } from "../queues.ts";
import { createCaller } from "../root.ts";

// Real Redis, on a queue of this file's own so no screener elsewhere picks these jobs up.
process.env.MIEN_QUEUE_PREFIX = `mien-test-api-screening-${process.pid}`;

let t: TestDatabase;
const as = (id: string, role: Role) =>
  createCaller({ db: t.db, session: { user: { id, email: `${id}@example.com`, name: id, role } }, headers: new Headers() });

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_screening");
  await t.db.user.create({ data: { id: "ada", email: "ada@example.com", name: "Ada", role: "admin" } });
  await t.db.user.create({ data: { id: "cleo", email: "cleo@example.com", name: "Cleo", role: "curator" } });
});
afterAll(async () => {
  await processQueues(undefined).screening.obliterate({ force: true });
  await closeProcessQueues();
  await t?.drop();
});

describe("screening router", () => {
  it("lets an admin start one run at a time, queued under its own id, and shows its stages", async () => {
    const first = await as("ada", "admin").screening.start({ stages: ["faces", "duplicates"] });
    expect(first.created).toBe(true);
    const again = await as("ada", "admin").screening.start();
    expect(again).toEqual({ runId: first.runId, created: false });

    const job = await processQueues(undefined).screening.getJob(first.runId);
    expect(job?.data).toEqual({ v: 1, runId: first.runId });
    expect(await job?.getState()).toBe("waiting");

    const { runs } = await as("ada", "admin").screening.status();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: first.runId, status: "queued", percent: 0, startedBy: { id: "ada", name: "Ada" }, live: null });
    // Stages run in pipeline order whatever order they were asked in.
    expect(runs[0]!.stages.map((s) => [s.stage, s.done])).toEqual([
      ["duplicates", false],
      ["faces", false],
    ]);
  });

  it("queues a lost job again when its run is still active, so the run resumes", async () => {
    const [run] = (await as("ada", "admin").screening.status()).runs;
    await (await processQueues(undefined).screening.getJob(run!.id))!.remove();
    const again = await as("ada", "admin").screening.start();
    expect(again).toEqual({ runId: run!.id, created: false });
    expect(await processQueues(undefined).screening.getJob(run!.id)).toBeTruthy();
  });

  it("refuses unknown stages and non-admins, and tells curators the flag thresholds", async () => {
    await expect(as("ada", "admin").screening.start({ stages: ["palmistry" as never] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as("cleo", "curator").screening.start()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as("cleo", "curator").screening.status()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as("cleo", "curator").screening.thresholds()).resolves.toMatchObject({ ocrScore: expect.any(Number), blurScore: expect.any(Number) });
  });
});

import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createCaller } from "../root.ts";
import type { ApiSession } from "../trpc.ts";
import type { PracticeAttemptInput } from "./schemas.ts";

let t: TestDatabase;
const users: Record<"ana" | "ben", ApiSession> = {} as never;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_coach");
  for (const name of ["ana", "ben"] as const) {
    await t.db.user.create({ data: { id: `u-${name}`, email: `${name}@example.com`, name } });
    users[name] = { user: { id: `u-${name}`, email: `${name}@example.com`, name, role: "user" } };
  }
});
afterAll(async () => {
  await t?.drop();
});

const caller = (who: "ana" | "ben") => createCaller({ db: t.db, session: users[who], headers: new Headers() });

const session = (id = randomUUID()) => ({ id, modelKey: "packaged:face-api@1.7.15", modelName: "face-api expression net" });

function attempt(overrides: Partial<PracticeAttemptInput> = {}): PracticeAttemptInput {
  return {
    id: randomUUID(),
    madeAt: new Date(),
    target: "happiness",
    score: 72,
    succeeded: true,
    holdMs: 2000,
    durationMs: 5400,
    calibrated: true,
    readAs: [
      { expression: "happiness", probability: 0.72 },
      { expression: "surprise", probability: 0.12 },
    ],
    ...overrides,
  };
}

describe("coach.saveAttempt", () => {
  it("opens the session on its first attempt and adds later attempts to it", async () => {
    const s = session();
    const first = await caller("ana").coach.saveAttempt({ session: s, attempt: attempt({ madeAt: new Date(Date.now() - 2000) }) });
    await caller("ana").coach.saveAttempt({ session: s, attempt: attempt({ target: "surprise", score: 40, succeeded: false }) });
    const stored = await t.db.coachSession.findUniqueOrThrow({ where: { id: s.id }, include: { attempts: { orderBy: { createdAt: "asc" } } } });
    expect(stored.userId).toBe("u-ana");
    expect(stored.modelKey).toBe(s.modelKey);
    expect(stored.attempts.map((a) => [a.target, a.score, a.succeeded])).toEqual([
      ["happiness", 72, true],
      ["surprise", 40, false],
    ]);
    expect(stored.attempts[0]!.id).toBe(first.id);
    expect(stored.attempts[0]!.readAs).toEqual(attempt().readAs);
  });

  it("stores an attempt once however often it is sent: the attempt id is the idempotency key", async () => {
    const s = session();
    const one = attempt({ score: 64 });
    const first = await caller("ana").coach.saveAttempt({ session: s, attempt: one });
    expect(first.duplicate).toBe(false);
    const again = await caller("ana").coach.saveAttempt({ session: s, attempt: one });
    expect(again).toEqual({ ...first, duplicate: true });
    // Sent concurrently (two tabs flushing one queue): still one row.
    const racing = attempt({ score: 65 });
    const results = await Promise.all(Array.from({ length: 5 }, () => caller("ana").coach.saveAttempt({ session: s, attempt: racing })));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await t.db.practiceAttempt.count({ where: { id: { in: [one.id, racing.id] } } })).toBe(2);
    // Another account cannot claim (or learn about) that id.
    await expect(caller("ben").coach.saveAttempt({ session: session(), attempt: one })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("keeps the time an attempt was made, so scores queued offline land where they belong", async () => {
    const madeAt = new Date(Date.now() - 3 * 3600_000);
    const s = session();
    const saved = await caller("ana").coach.saveAttempt({ session: s, attempt: attempt({ madeAt }) });
    expect(saved.createdAt.toISOString()).toBe(madeAt.toISOString());
    expect((await t.db.coachSession.findUniqueOrThrow({ where: { id: s.id } })).startedAt.toISOString()).toBe(madeAt.toISOString());
    await expect(caller("ana").coach.saveAttempt({ session: session(), attempt: attempt({ madeAt: new Date(Date.now() + 3600_000) }) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/in the future/),
    });
    await expect(
      caller("ana").coach.saveAttempt({ session: session(), attempt: attempt({ madeAt: new Date(Date.now() - 400 * 24 * 3600_000) }) }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/more than a year old/),
    });
  });

  it("refuses an attempt on someone else's session and writes nothing", async () => {
    const s = session();
    await caller("ana").coach.saveAttempt({ session: s, attempt: attempt() });
    const before = await t.db.practiceAttempt.count();
    await expect(caller("ben").coach.saveAttempt({ session: s, attempt: attempt() })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/belongs to another account/),
    });
    expect(await t.db.practiceAttempt.count()).toBe(before);
  });

  it("takes scores only: any extra field (an image, a frame) is refused", async () => {
    const before = await t.db.practiceAttempt.count();
    const withImage = { ...attempt(), frame: "data:image/jpeg;base64,/9j/4AAQSkZJRg==" } as PracticeAttemptInput;
    await expect(caller("ana").coach.saveAttempt({ session: session(), attempt: withImage })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const withSnapshot = { session: session(), attempt: attempt(), snapshot: [1, 2, 3] } as never;
    await expect(caller("ana").coach.saveAttempt(withSnapshot)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await t.db.practiceAttempt.count()).toBe(before);
  });

  it("refuses out-of-range scores, unknown expressions and bad session ids with readable errors", async () => {
    const bad: Array<[string, unknown]> = [
      ["score 101", { session: session(), attempt: attempt({ score: 101 }) }],
      ["fractional score", { session: session(), attempt: attempt({ score: 50.5 }) }],
      ["unknown target", { session: session(), attempt: { ...attempt(), target: "smugness" } }],
      ["empty readAs", { session: session(), attempt: attempt({ readAs: [] }) }],
      ["probability 2", { session: session(), attempt: attempt({ readAs: [{ expression: "fear", probability: 2 }] }) }],
      ["non-uuid session", { session: { ...session(), id: "abc" }, attempt: attempt() }],
      ["non-uuid attempt id", { session: session(), attempt: attempt({ id: "1" }) }],
      ["no attempt id", { session: session(), attempt: { ...attempt(), id: undefined } }],
      ["madeAt not a date", { session: session(), attempt: { ...attempt(), madeAt: "yesterday" } }],
    ];
    for (const [name, input] of bad) {
      await expect(caller("ana").coach.saveAttempt(input as never), name).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });
});

describe("coach.progress", () => {
  it("shows each user only their own attempts, per expression, oldest first, with best, latest and trend", async () => {
    await caller("ben").coach.clearProgress();
    const s = session();
    const start = Date.now() - 60_000;
    for (const [i, score] of [20, 30, 40, 60, 70, 80].entries()) {
      await caller("ben").coach.saveAttempt({
        session: s,
        attempt: attempt({ target: "fear", score, succeeded: score >= 50, madeAt: new Date(start + i * 1000) }),
      });
    }
    await caller("ben").coach.saveAttempt({ session: s, attempt: attempt({ target: "anger", score: 55 }) });
    const progress = await caller("ben").coach.progress();
    expect(progress.map((p) => p.expression)).toEqual(["anger", "fear"]);
    const fear = progress.find((p) => p.expression === "fear")!;
    expect(fear.attempts.map((a) => a.score)).toEqual([20, 30, 40, 60, 70, 80]);
    expect(fear.best).toBe(80);
    expect(fear.latest).toBe(80);
    expect(fear.trend).toBe(40);
    expect(progress.find((p) => p.expression === "anger")!.trend).toBeNull();

    const anas = await caller("ana").coach.progress();
    const anaIds = new Set(anas.flatMap((p) => p.attempts.map((a) => a.id)));
    const bensIds = progress.flatMap((p) => p.attempts.map((a) => a.id));
    expect(bensIds.some((id) => anaIds.has(id))).toBe(false);
    expect(anas.find((p) => p.expression === "fear")).toBeUndefined();
  });
});

describe("coach.clearProgress", () => {
  it("deletes the caller's sessions and attempts and no one else's", async () => {
    await caller("ana").coach.saveAttempt({ session: session(), attempt: attempt() });
    await caller("ben").coach.saveAttempt({ session: session(), attempt: attempt() });
    const anaBefore = await t.db.practiceAttempt.count({ where: { userId: "u-ana" } });
    const cleared = await caller("ben").coach.clearProgress();
    expect(cleared.attempts).toBeGreaterThan(0);
    expect(await t.db.practiceAttempt.count({ where: { userId: "u-ben" } })).toBe(0);
    expect(await t.db.coachSession.count({ where: { userId: "u-ben" } })).toBe(0);
    expect(await t.db.practiceAttempt.count({ where: { userId: "u-ana" } })).toBe(anaBefore);
    expect(await caller("ben").coach.progress()).toEqual([]);
  });
});

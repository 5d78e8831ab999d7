import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { callerAs, seedUsers } from "../testing/index.ts";
import { streakLength } from "./summary.ts";

let t: TestDatabase;
const as = (id: string) => callerAs(t.db, id, "user");
const DAY = 24 * 3600_000;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_plan");
  await seedUsers(t.db, [
    ["pia", "user"],
    ["quinn", "user"],
  ]);
});
afterAll(async () => {
  await t?.drop();
});

async function practise(userId: string, sessionId: string, target: "happiness" | "surprise", score: number, madeAt: Date, holdMs = 2000) {
  await as(userId).coach.saveAttempt({
    session: { id: sessionId, modelKey: "packaged:test", modelName: "test" },
    attempt: {
      id: randomUUID(),
      madeAt,
      target,
      score,
      succeeded: score >= 50,
      holdMs,
      durationMs: 4000,
      calibrated: false,
      readAs: [{ expression: target, probability: score / 100 }],
    },
  });
}

describe("practice plans", () => {
  it("are set and cleared by the learner, audited each time", async () => {
    expect(await as("pia").coach.plan()).toBeNull();
    const plan = await as("pia").coach.setPlan({ plan: { targets: ["surprise", "happiness"], holdMs: 3000, sessionsPerWeek: 4 } });
    expect(plan).toMatchObject({ targets: ["surprise", "happiness"], holdMs: 3000, sessionsPerWeek: 4, setBy: { id: "pia", name: "pia" } });
    expect(await as("pia").coach.plan()).toEqual(plan);
    expect(await as("quinn").coach.plan()).toBeNull();
    expect(await as("pia").coach.setPlan({ plan: null })).toBeNull();
    expect(await as("pia").coach.plan()).toBeNull();
    const audit = await t.db.auditLog.findMany({
      where: { entityType: "practice_plan", entityId: "pia" },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, before: true, after: true },
    });
    expect(audit.map((a) => a.action)).toEqual(["plan.set", "plan.clear"]);
    expect(audit[1]!.before).toMatchObject({ targets: ["surprise", "happiness"], holdMs: 3000 });
  });

  it("refuse plans that are empty, repeat or invent expressions, or carry other fields, and keep the old plan", async () => {
    await as("quinn").coach.setPlan({ plan: { targets: ["happiness"], holdMs: 1000, sessionsPerWeek: 2 } });
    const bad: Array<[string, unknown]> = [
      ["no targets", { targets: [], holdMs: 1000, sessionsPerWeek: 2 }],
      ["repeated", { targets: ["happiness", "happiness"], holdMs: 1000, sessionsPerWeek: 2 }],
      ["unknown class", { targets: ["smugness"], holdMs: 1000, sessionsPerWeek: 2 }],
      ["hold too long", { targets: ["happiness"], holdMs: 60_000, sessionsPerWeek: 2 }],
      ["no sessions", { targets: ["happiness"], holdMs: 1000, sessionsPerWeek: 0 }],
      ["extra field", { targets: ["happiness"], holdMs: 1000, sessionsPerWeek: 2, note: "<img src=x>" }],
    ];
    for (const [what, plan] of bad) await expect(as("quinn").coach.setPlan({ plan } as never), what).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as("quinn").coach.setPlan({ plan: { targets: [], holdMs: 1000, sessionsPerWeek: 2 } })).rejects.toThrow(/Pick at least one expression/);
    expect(await as("quinn").coach.plan()).toMatchObject({ targets: ["happiness"], holdMs: 1000, sessionsPerWeek: 2 });
  });
});

describe("practice summary", () => {
  it("counts sessions, days and the streak in the viewer's time zone, and how the plan is going", async () => {
    await seedUsers(t.db, [["rae", "user"]]);
    const now = Date.now();
    const [today, yesterday, twoDays, fourDays, tenDays] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await practise("rae", today, "happiness", 80, new Date(now));
    await practise("rae", today, "surprise", 30, new Date(now));
    // Held, but for less than the plan asks: not "held today" for the plan.
    await practise("rae", today, "surprise", 90, new Date(now), 1000);
    await practise("rae", yesterday, "happiness", 55, new Date(now - DAY));
    await practise("rae", twoDays, "happiness", 60, new Date(now - 2 * DAY));
    await practise("rae", fourDays, "surprise", 70, new Date(now - 4 * DAY));
    await practise("rae", tenDays, "surprise", 99, new Date(now - 10 * DAY));
    await as("rae").coach.setPlan({ plan: { targets: ["happiness", "surprise"], holdMs: 2000, sessionsPerWeek: 5 } });

    const summary = await as("rae").coach.summary({ timeZone: "UTC" });
    expect(summary).toMatchObject({
      timeZone: "UTC",
      today: new Date(now).toISOString().slice(0, 10),
      practisedToday: true,
      streakDays: 3,
      sessionsLast7Days: 4,
      attemptsLast7Days: 6,
    });
    expect(summary.lastPractisedAt?.getTime()).toBe(now);
    expect(summary.plan).toEqual({
      sessionsGoal: 5,
      holdMs: 2000,
      targets: [
        { expression: "happiness", attemptsToday: 1, heldToday: true, attemptsLast7Days: 3, bestLast7Days: 80 },
        { expression: "surprise", attemptsToday: 2, heldToday: false, attemptsLast7Days: 3, bestLast7Days: 90 },
      ],
    });
    // "Today" follows the zone asked for (UTC+14 is a calendar day ahead of UTC for 14 hours of each day).
    const far = await as("rae").coach.summary({ timeZone: "Pacific/Kiritimati" });
    expect(far.today).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date()));
  });

  it("is zero for someone who never practised, and refuses an unknown time zone", async () => {
    await seedUsers(t.db, [["sol", "user"]]);
    expect(await as("sol").coach.summary({ timeZone: "Europe/Paris" })).toMatchObject({
      practisedToday: false,
      streakDays: 0,
      sessionsLast7Days: 0,
      attemptsLast7Days: 0,
      lastPractisedAt: null,
      plan: null,
    });
    for (const timeZone of ["Mars/Olympus", "UTC'; DROP TABLE practice_attempt; --", ""]) {
      await expect(as("sol").coach.summary({ timeZone }), timeZone).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });
});

describe("streakLength", () => {
  it("counts consecutive days ending today, or yesterday when today has no practice yet", () => {
    expect(streakLength([], "2026-03-01")).toBe(0);
    expect(streakLength(["2026-03-01", "2026-02-28", "2026-02-27", "2026-02-25"], "2026-03-01")).toBe(3);
    expect(streakLength(["2026-02-28", "2026-02-27"], "2026-03-01")).toBe(2);
    expect(streakLength(["2026-02-27"], "2026-03-01")).toBe(0);
    // Across a month and a year end.
    expect(streakLength(["2027-01-01", "2026-12-31", "2026-12-30"], "2027-01-01")).toBe(3);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createAttemptLimit } from "./attempt-limit.ts";

describe("createAttemptLimit (real PostgreSQL)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("mien_test_attempt_limit");
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("allows max attempts per key and window, then resets", async () => {
    let now = 1_000_000;
    const limit = createAttemptLimit(t.db, { window: 10, max: 2 }, () => now);
    expect([await limit.consume("a"), await limit.consume("a"), await limit.consume("a")]).toEqual([true, true, false]);
    expect(await limit.consume("b")).toBe(true);
    now += 10_000;
    expect(await limit.consume("a")).toBe(true);
    expect(await limit.consume("a")).toBe(true);
    expect(await limit.consume("a")).toBe(false);
  });

  it("is one limit for every process: concurrent attempts from two limiters never exceed it together", async () => {
    const rule = { window: 60, max: 5 };
    const [one, two] = [createAttemptLimit(t.db, rule), createAttemptLimit(t.db, rule)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).consume("shared")));
    expect(results.filter(Boolean)).toHaveLength(rule.max);
  });

  it("keeps invitation-redeem counters apart from sign-in counters", async () => {
    const rule = { window: 60, max: 1 };
    const signIn = createAttemptLimit(t.db, rule);
    const redeem = createAttemptLimit(t.db, rule, Date.now, "invitationRedeem");
    expect(await signIn.consume("same-key")).toBe(true);
    expect(await redeem.consume("same-key")).toBe(true);
    expect(await redeem.consume("same-key")).toBe(false);
    expect(await t.db.invitationRedeemAttempt.findUniqueOrThrow({ where: { key: "same-key" } })).toMatchObject({ count: 2 });
    expect(await t.db.signInAttempt.findUniqueOrThrow({ where: { account: "same-key" } })).toMatchObject({ count: 1 });
  });
});

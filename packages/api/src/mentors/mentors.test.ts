import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import type { AppError } from "@mien/errors";

import { callerAs, seedUsers } from "../testing/index.ts";
import { TRPCError } from "../trpc.ts";
import { CODE_LENGTH, invitationCodeHash, newInvitationCode, normaliseInvitationCode } from "./code.ts";
import { INVITATION_TTL_MS, MAX_OPEN_INVITATIONS, redeemInvitation } from "./invitations.ts";

// Every caller here redeems from the same test address; the per-address rule is tested on its own below.
process.env.MIEN_SIGN_IN_LIMIT = "1000/60";

let t: TestDatabase;
const as = (id: string) => callerAs(t.db, id, "user");
const ROOMY = { account: { window: 600, max: 1000 }, address: { window: 600, max: 1000 } };

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_mentors");
  await seedUsers(t.db, [
    ["ana", "user"],
    ["ben", "user"],
    ["cleo", "user"],
    ["dan", "user"],
    ["root", "admin"],
  ]);
});
afterAll(async () => {
  await t?.drop();
});

async function practise(userId: string, target: "happiness" | "surprise" | "anger", score: number, madeAt = new Date()) {
  await as(userId).coach.saveAttempt({
    session: { id: randomUUID(), modelKey: "packaged:test", modelName: "test" },
    attempt: {
      id: randomUUID(),
      madeAt,
      target,
      score,
      succeeded: score >= 50,
      holdMs: 2000,
      durationMs: 4000,
      calibrated: true,
      readAs: [{ expression: target, probability: score / 100 }],
    },
  });
}

const audit = (action: string) => t.db.auditLog.findMany({ where: { action }, orderBy: { id: "asc" }, select: { actorId: true, entityId: true, after: true } });

describe("invitation codes", () => {
  it("carry at least 128 random bits and survive retyping", () => {
    const codes = Array.from({ length: 2000 }, newInvitationCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes.slice(0, 50)) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/);
    // 32 characters of a 32-letter alphabet: 160 bits.
    expect(CODE_LENGTH * Math.log2(32)).toBeGreaterThanOrEqual(128);
    // Every character position takes many values (no fixed prefix or padding eats the randomness).
    for (let i = 0; i < CODE_LENGTH; i++) expect(new Set(codes.map((c) => c.replace(/-/g, "")[i])).size, `position ${i}`).toBeGreaterThan(16);
    const code = codes[0]!;
    const retyped = ` ${code.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l")} `;
    expect(normaliseInvitationCode(retyped)).toBe(code.replace(/-/g, ""));
    expect(normaliseInvitationCode(code.slice(0, -1))).toBeNull();
    expect(normaliseInvitationCode(`${code.slice(0, -1)}U`)).toBeNull();
  });
});

describe("inviting and accepting a mentor", () => {
  it("stores only the code's hash, grants access on redeem, and audits invite and grant", async () => {
    const invitation = await as("ana").sharing.invite();
    expect(invitation.expiresAt.getTime() - Date.now()).toBeGreaterThan(INVITATION_TTL_MS - 60_000);
    const row = await t.db.mentorInvitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.codeHash).toBe(invitationCodeHash(normaliseInvitationCode(invitation.code)!));
    expect(JSON.stringify(row)).not.toContain(invitation.code.replace(/-/g, "").slice(0, 8));

    const redeemed = await as("ben").mentoring.redeem({ code: invitation.code });
    expect(redeemed.learner).toEqual({ id: "ana", name: "ana" });
    expect(await t.db.mentorGrant.findMany({ where: { userId: "ana" }, select: { mentorId: true, revokedAt: true } })).toEqual([
      { mentorId: "ben", revokedAt: null },
    ]);
    expect((await audit("mentor.invite")).map((a) => [a.actorId, a.entityId])).toContainEqual(["ana", invitation.id]);
    expect(await audit("mentor.grant")).toContainEqual({
      actorId: "ben",
      entityId: redeemed.grantId,
      after: { userId: "ana", mentorId: "ben", invitationId: invitation.id },
    });
    const overview = await as("ana").sharing.overview();
    expect(overview.mentors.map((m) => m.mentorId)).toEqual(["ben"]);
    expect(overview.invitations).toEqual([]);
  });

  it("refuses used, expired, withdrawn, unknown and malformed codes and one's own, with what to do, and grants nothing", async () => {
    const used = await as("cleo").sharing.invite();
    await as("dan").mentoring.redeem({ code: used.code });
    const expired = await as("cleo").sharing.invite();
    await t.db.mentorInvitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const withdrawn = await as("cleo").sharing.invite();
    await as("cleo").sharing.withdrawInvitation({ invitationId: withdrawn.id });
    const own = await as("cleo").sharing.invite();
    const grantsBefore = await t.db.mentorGrant.count();

    const refusals: Array<[string, string, string, RegExp]> = [
      ["used", "ana", used.code, /already used\. Ask cleo for a new one/],
      ["expired", "ana", expired.code, /expired on .+\. Ask cleo for a new one/],
      ["withdrawn", "ana", withdrawn.code, /cleo withdrew this invitation/],
      ["own", "cleo", own.code, /cannot be your own mentor/],
      ["unknown", "ana", newInvitationCode(), /No invitation has this code/],
      ["malformed", "ana", "let me in", /not an invitation code: a code has 32 letters and digits/],
    ];
    for (const [what, who, code, message] of refusals) {
      const outcome = await as(who)
        .mentoring.redeem({ code })
        .catch((e: unknown) => e);
      expect(outcome, what).toBeInstanceOf(TRPCError);
      expect((outcome as TRPCError).message, what).toMatch(message);
      expect((outcome as TRPCError).code, what).toBe(what === "unknown" ? "NOT_FOUND" : "BAD_REQUEST");
    }
    expect(await t.db.mentorGrant.count()).toBe(grantsBefore);
    // The own invitation stays usable by someone else.
    await expect(as("ana").mentoring.redeem({ code: own.code })).resolves.toMatchObject({ learner: { id: "cleo" } });
  });

  it("lets exactly one of two simultaneous redeems of one code win", async () => {
    const invitation = await as("dan").sharing.invite();
    const outcomes = await Promise.allSettled([as("ana").mentoring.redeem({ code: invitation.code }), as("ben").mentoring.redeem({ code: invitation.code })]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect((outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult).reason.message).toMatch(/already used/);
    expect(await t.db.mentorGrant.count({ where: { userId: "dan" } })).toBe(1);
  });

  it("caps open invitations per learner", async () => {
    await seedUsers(t.db, [["eve", "user"]]);
    for (let i = 0; i < MAX_OPEN_INVITATIONS; i++) await as("eve").sharing.invite();
    await expect(as("eve").sharing.invite()).rejects.toThrow(/already have 5 open invitations\. Withdraw one/);
    const { invitations } = await as("eve").sharing.overview();
    await as("eve").sharing.withdrawInvitation({ invitationId: invitations[0]!.id });
    await expect(as("eve").sharing.invite()).resolves.toMatchObject({ code: expect.any(String) });
  });

  it("rate-limits redeeming per account and per address, counting before the code is looked at", async () => {
    await seedUsers(t.db, [
      ["guesser", "user"],
      ["guesser2", "user"],
      ["fay", "user"],
    ]);
    const limits = { account: { window: 600, max: 3 }, address: { window: 600, max: 3 } };
    const valid = (await as("fay").sharing.invite()).code;
    const guess = (mentorId: string, code: string, address: string | null) =>
      redeemInvitation(t.db, { mentorId, code, address, limits }).catch((e: AppError) => e.code);
    expect([
      await guess("guesser", newInvitationCode(), "10.0.0.1"),
      await guess("guesser", newInvitationCode(), "10.0.0.2"),
      await guess("guesser", newInvitationCode(), null),
    ]).toEqual(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]);
    // The account has used its three tries: even the right code is refused now, from any address.
    expect(await guess("guesser", valid, "10.0.0.3")).toBe("TOO_MANY_REQUESTS");
    // One address, several accounts: the address limit (3) stops it.
    expect(await guess("guesser2", newInvitationCode(), "10.0.0.1")).toBe("NOT_FOUND");
    expect(await guess("guesser2", newInvitationCode(), "10.0.0.1")).toBe("NOT_FOUND");
    expect(await guess("guesser2", newInvitationCode(), "10.0.0.1")).toBe("TOO_MANY_REQUESTS");
    expect(await t.db.mentorGrant.count({ where: { userId: "fay" } })).toBe(0);
    await expect(redeemInvitation(t.db, { mentorId: "dan", code: valid, address: "10.0.0.9", limits: ROOMY })).resolves.toMatchObject({
      learner: { id: "fay" },
    });
  });
});

describe("what a mentor sees and does", () => {
  let learner = "";
  let mentor = "";
  beforeAll(async () => {
    learner = "lia";
    mentor = "max";
    await seedUsers(t.db, [
      [learner, "user"],
      [mentor, "user"],
      ["other-learner", "user"],
    ]);
    await practise(learner, "happiness", 40, new Date(Date.now() - 60_000));
    await practise(learner, "happiness", 75);
    await practise("other-learner", "anger", 90);
    await as(mentor).mentoring.redeem({ code: (await as(learner).sharing.invite()).code });
  });

  it("sees scores only (no images, frames or probabilities) of the learners who granted access, and each look is audited", async () => {
    const viewsBefore = (await audit("mentor.view")).length;
    const progress = await as(mentor).mentoring.progress({ userId: learner, timeZone: "UTC" });
    expect(progress.learner).toEqual({ id: learner, name: learner, email: `${learner}@example.com` });
    expect(progress.expressions.map((e) => [e.expression, e.attempts.map((a) => a.score), e.best, e.latest])).toEqual([["happiness", [40, 75], 75, 75]]);
    // Exactly these keys: nothing resembling a read-as share or a stream rides along.
    expect(Object.keys(progress.expressions[0]!.attempts[0]!).sort()).toEqual(["at", "id", "score", "succeeded"]);
    expect(JSON.stringify(progress)).not.toMatch(/probability|readAs|image|frame/i);
    expect(progress.summary).toMatchObject({ practisedToday: true, streakDays: 1, sessionsLast7Days: 2, attemptsLast7Days: 2 });

    const list = await as(mentor).mentoring.learners({ timeZone: "UTC" });
    expect(list.map((l) => l.learner.id)).toEqual([learner]);
    expect(list[0]!.expressions).toEqual([{ expression: "happiness", attempts: [], count: 2, best: 75, latest: 75, trend: null }]);
    const views = (await audit("mentor.view")).slice(viewsBefore);
    expect(views.map((v) => [v.actorId, (v.after as { userId: string; view: string }).view])).toEqual([
      [mentor, "progress"],
      [mentor, "list"],
    ]);
    const overview = await as(learner).sharing.overview();
    expect(overview.mentors).toEqual([expect.objectContaining({ mentorId: mentor, name: mentor, views: 2, lastViewedAt: expect.any(Date) })]);
  });

  it("sees no one else: another learner's progress is refused, for admins too", async () => {
    for (const who of [mentor, "root"]) {
      await expect(
        callerAs(t.db, who, who === "root" ? "admin" : "user").mentoring.progress({ userId: "other-learner", timeZone: "UTC" }),
      ).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    await expect(as(learner).mentoring.progress({ userId: learner, timeZone: "UTC" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("sets the learner's plan, which the learner sees as set by the mentor, and audits it", async () => {
    const plan = { targets: ["happiness", "surprise"] as const, holdMs: 2000, sessionsPerWeek: 3 };
    const set = await as(mentor).mentoring.setPlan({ userId: learner, plan: { ...plan, targets: [...plan.targets] } });
    expect(set).toMatchObject({ targets: ["happiness", "surprise"], holdMs: 2000, sessionsPerWeek: 3, setBy: { id: mentor, name: mentor } });
    expect(await as(learner).coach.plan()).toMatchObject({ targets: ["happiness", "surprise"], setBy: { id: mentor } });
    const summary = await as(learner).coach.summary({ timeZone: "UTC" });
    expect(summary.plan).toEqual({
      sessionsGoal: 3,
      holdMs: 2000,
      targets: [
        { expression: "happiness", attemptsToday: 2, heldToday: true, attemptsLast7Days: 2, bestLast7Days: 75 },
        { expression: "surprise", attemptsToday: 0, heldToday: false, attemptsLast7Days: 0, bestLast7Days: null },
      ],
    });
    expect((await audit("plan.set")).at(-1)).toMatchObject({ actorId: mentor, entityId: learner });
    const shown = await as(mentor).mentoring.progress({ userId: learner, timeZone: "UTC" });
    expect(shown.plan?.targets).toEqual(["happiness", "surprise"]);
  });

  it("loses access the moment the learner revokes it; a new invitation restores it", async () => {
    await as(learner).sharing.revoke({ mentorId: mentor });
    await expect(as(mentor).mentoring.progress({ userId: learner, timeZone: "UTC" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(mentor).mentoring.setPlan({ userId: learner, plan: null })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await as(mentor).mentoring.learners({ timeZone: "UTC" })).toEqual([]);
    expect((await audit("mentor.revoke")).at(-1)).toMatchObject({ actorId: learner, after: { userId: learner, mentorId: mentor, by: "learner" } });
    await expect(as(learner).sharing.revoke({ mentorId: mentor })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await as(mentor).mentoring.redeem({ code: (await as(learner).sharing.invite()).code });
    await expect(as(mentor).mentoring.progress({ userId: learner, timeZone: "UTC" })).resolves.toMatchObject({ learner: { id: learner } });
    // The mentor can step back too.
    await as(mentor).mentoring.stop({ userId: learner });
    await expect(as(mentor).mentoring.progress({ userId: learner, timeZone: "UTC" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await audit("mentor.revoke")).at(-1)).toMatchObject({ actorId: mentor, after: { by: "mentor" } });
  });

  it("lets one mentor follow several learners and one learner have several mentors", async () => {
    await seedUsers(t.db, [
      ["m1", "user"],
      ["m2", "user"],
      ["l1", "user"],
      ["l2", "user"],
    ]);
    for (const [l, m] of [
      ["l1", "m1"],
      ["l1", "m2"],
      ["l2", "m1"],
    ] as const)
      await as(m).mentoring.redeem({ code: (await as(l).sharing.invite()).code });
    expect((await as("m1").mentoring.learners({ timeZone: "UTC" })).map((v) => v.learner.id)).toEqual(["l1", "l2"]);
    expect((await as("m2").mentoring.learners({ timeZone: "UTC" })).map((v) => v.learner.id)).toEqual(["l1"]);
    expect((await as("l1").sharing.overview()).mentors.map((m) => m.mentorId)).toEqual(["m1", "m2"]);
  });
});

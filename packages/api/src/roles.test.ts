import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { trainingQueue } from "@mien/jobs";
import { DEFAULT_TRAINING_CONFIG } from "@mien/jobs/training";
import { promoteVersion } from "@mien/registry";
import { LocalStorage } from "@mien/storage";

import { closeEvaluationQueue, evaluationQueueFromEnv, pinEvalSet } from "./evaluation/index.ts";
import { createInvitation } from "./mentors/index.ts";
import { closeProcessQueues, processQueues } from "./queues.ts";
import { appRouter, createCaller } from "./root.ts";
import { procedurePolicy, TRPCError, type ApiSession, type ProcedureRole } from "./trpc.ts";

/**
 * Who calls: anonymous, an account of each role, and two plain accounts in a mentor relation with
 * the learner "u-learner": `mentor` holds a live grant, `revokedMentor` held one until the learner
 * revoked it. Relation procedures (mentorProcedure) are allowed to the live mentor only; roles
 * grant nothing there, so admins are refused like anyone else.
 */
type Actor = "anonymous" | Role | "mentor" | "revokedMentor";
const ACTORS: Actor[] = ["anonymous", "user", "curator", "admin", "mentor", "revokedMentor"];
const RANK: Record<ProcedureRole | Actor, number> = { public: 0, anonymous: 0, user: 1, curator: 2, admin: 3, mentor: 1, revokedMentor: 1 };
const SIGNED_IN_ACTORS = ACTORS.filter((a) => a !== "anonymous") as Exclude<Actor, "anonymous">[];

// screening.start queues a job: keep it on a queue of this test file's own.
process.env.MIEN_QUEUE_PREFIX = `mien-test-roles-${process.pid}`;

let t: TestDatabase;
const sessions = {} as Record<Exclude<Actor, "anonymous">, ApiSession>;
/** Invitation codes for mentoring.redeem (one per call, anonymous's included) and each actor's own open invitation. */
const codes: string[] = [];
const ownInvitation = {} as Record<Exclude<Actor, "anonymous">, string>;
const PLAN = { targets: ["happiness", "surprise"], holdMs: 2000, sessionsPerWeek: 3 };
let targetId = "";
let imageId = "";
let snapshotId = "";
let importRunId = "";
let evalSetId = "";
let storageDir = "";
const jobs = { queued: "", failed: "", done: "" };
const versions: string[] = [];
// A real queue under its own prefix, so no worker of anyone else's sees these jobs.
const queue = trainingQueue({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", prefix: `mien-test-roles-${randomBytes(4).toString("hex")}` });

/**
 * One valid input per procedure. A new procedure without an entry here fails the
 * policy test, so nobody can add one without also covering it in the role table.
 */
const SAMPLE_INPUTS: Record<string, (actor: Actor) => unknown> = {
  me: () => undefined,
  "dataset.summary": () => undefined,
  "admin.users.list": () => ({ page: 1, pageSize: 10 }),
  // Re-setting a plain user's role to "user" is allowed and changes nothing.
  "admin.users.setRole": () => ({ userId: targetId, role: "user" }),
  "review.page": () => ({ label: "happiness" }),
  "review.decide": () => ({ imageId, decision: { kind: "accept" } }),
  // beforeAll gives the curator and the admin decisions to undo.
  "review.undo": () => ({ imageId }),
  "review.bulkFlag": () => ({ imageIds: [imageId], flags: ["unclear"] }),
  "review.history": () => ({ imageId }),
  "review.conflicts": () => ({ limit: 10 }),
  "review.resolve": () => ({ imageId, resolution: { outcome: "accept" } }),
  "review.agreement": () => undefined,
  "audit.reviewers": () => undefined,
  "audit.activity": () => ({ userId: "u-curator" }),
  "snapshots.list": () => undefined,
  "snapshots.get": () => ({ id: snapshotId }),
  "snapshots.create": () => ({}),
  "admin.settings.get": () => undefined,
  "admin.settings.setReviewsRequired": () => ({ value: 1 }),
  "training.options": () => undefined,
  "training.list": () => undefined,
  "training.get": () => ({ id: jobs.done }),
  "training.start": () => ({ config: { ...DEFAULT_TRAINING_CONFIG, name: "roles", snapshotId, classes: ["happiness", "neutral"] } }),
  "training.cancel": () => ({ id: jobs.queued }),
  "training.retry": () => ({ id: jobs.failed }),
  "models.list": () => undefined,
  // beforeAll makes version 1 active, so promoting 2 and then rolling back both succeed.
  "models.promote": () => ({ versionId: versions[1] }),
  "models.rollback": () => undefined,
  "models.evalSets": () => undefined,
  "models.pinSources": () => undefined,
  // beforeAll pins this set already: pinning it again returns it.
  "models.pinEvalSet": () => ({ source: "import", name: "roles", importRunId }),
  // beforeAll stores both versions' scores on the set.
  "models.compare": () => ({ setId: evalSetId, a: versions[0], b: versions[1] }),
  "models.flips": () => ({ setId: evalSetId, a: versions[0], b: versions[1] }),
  // A fresh session per call: a session belongs to whoever opened it.
  "coach.saveAttempt": () => ({
    session: { id: randomUUID(), modelKey: "packaged:test", modelName: "test model" },
    attempt: {
      id: randomUUID(),
      madeAt: new Date(),
      target: "happiness",
      score: 70,
      succeeded: true,
      holdMs: 2000,
      durationMs: 4000,
      calibrated: false,
      readAs: [{ expression: "happiness", probability: 0.7 }],
    },
  }),
  "coach.progress": () => undefined,
  "coach.clearProgress": () => undefined,
  "coach.plan": () => undefined,
  "coach.setPlan": () => ({ plan: PLAN }),
  "coach.summary": () => ({ timeZone: "Europe/Paris" }),
  // beforeAll gives every signed-in actor an open invitation and a mentor ("u-helper") to revoke.
  "sharing.overview": () => undefined,
  "sharing.invite": () => undefined,
  "sharing.withdrawInvitation": (actor) => ({ invitationId: actor === "anonymous" ? randomUUID() : ownInvitation[actor] }),
  "sharing.revoke": () => ({ mentorId: "u-helper" }),
  // A fresh code per call, from learners of their own.
  "mentoring.redeem": () => ({ code: codes.shift() }),
  "mentoring.learners": () => ({ timeZone: "UTC" }),
  "mentoring.progress": () => ({ userId: "u-learner", timeZone: "UTC" }),
  "mentoring.setPlan": () => ({ userId: "u-learner", plan: PLAN }),
  // A second learner, so stopping leaves the mentor's grant from u-learner in place.
  "mentoring.stop": () => ({ userId: "u-learner2" }),
  "screening.start": () => ({ stages: ["flags"] }),
  "screening.status": () => undefined,
  "screening.thresholds": () => undefined,
  "screening.scorecard": () => undefined,
  "screening.mislabelPrecision": () => undefined,
};

function callerFor(actor: Actor) {
  const storage = new LocalStorage(storageDir);
  return createCaller({ db: t.db, storage, queues: { training: queue }, session: actor === "anonymous" ? null : sessions[actor], headers: new Headers() });
}

/** Calls a procedure by its dotted path, e.g. "admin.users.list". */
function callPath(actor: Actor, path: string): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], callerFor(actor));
  return (fn as (input: unknown) => Promise<unknown>)(SAMPLE_INPUTS[path]!(actor));
}

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_roles");
  storageDir = mkdtempSync(join(tmpdir(), "mien-roles-"));
  for (const actor of SIGNED_IN_ACTORS) {
    const role: Role = actor === "mentor" || actor === "revokedMentor" ? "user" : actor;
    const user = await t.db.user.create({
      data: { id: `u-${actor}`, email: `${actor}@example.com`, name: actor, role },
    });
    sessions[actor] = { user: { id: user.id, email: user.email, name: user.name, role } };
  }
  // The mentor relation: learners, a live grant, a revoked one, and what each actor needs to succeed.
  for (const id of ["u-learner", "u-learner2", "u-helper", "u-inviter1", "u-inviter2"]) {
    await t.db.user.create({ data: { id, email: `${id}@example.com`, name: id } });
  }
  await t.db.mentorGrant.createMany({
    data: [
      { userId: "u-learner", mentorId: "u-mentor" },
      { userId: "u-learner2", mentorId: "u-mentor" },
      { userId: "u-learner", mentorId: "u-revokedMentor", revokedAt: new Date() },
      { userId: "u-learner2", mentorId: "u-revokedMentor", revokedAt: new Date() },
      ...SIGNED_IN_ACTORS.map((actor) => ({ userId: `u-${actor}`, mentorId: "u-helper" })),
    ],
  });
  for (const actor of SIGNED_IN_ACTORS) ownInvitation[actor] = (await createInvitation(t.db, `u-${actor}`)).id;
  for (const inviter of ["u-inviter1", "u-inviter2"]) {
    for (let i = 0; i < ACTORS.length / 2; i++) codes.push((await createInvitation(t.db, inviter)).code);
  }
  targetId = (await t.db.user.create({ data: { id: "u-target", email: "target@example.com", name: "t" } })).id;
  const sha256 = "0".repeat(64);
  imageId = (
    await t.db.image.create({
      data: {
        sha256,
        storageKey: `images/${sha256}.jpg`,
        thumbKey: `thumbs/${sha256}.webp`,
        mimeType: "image/jpeg",
        width: 48,
        height: 48,
        sourcePath: "fixture/0.jpg",
        sourceLabel: "happiness",
        label: "happiness",
        split: "train",
        phash: 0n,
        blurScore: 100,
        contrast: 40,
      },
    })
  ).id;
  snapshotId = (
    await t.db.datasetSnapshot.create({
      data: { name: "s", contentHash: "f".repeat(64), manifestKey: "snapshots/f.tsv", imageCount: 0, classCounts: {}, createdById: "u-admin" },
    })
  ).id;
  for (const role of ["curator", "admin"] as const) {
    await callerFor(role).review.decide({ imageId, decision: { kind: "flag", flags: ["duplicate"] } });
  }

  snapshotId = (
    await t.db.datasetSnapshot.create({
      data: {
        name: "roles",
        contentHash: "1".repeat(64),
        manifestKey: "snapshots/roles.tsv",
        imageCount: 4,
        classCounts: { train: { happiness: 2, neutral: 2 }, val: { happiness: 1, neutral: 1 } },
        createdById: "u-admin",
      },
    })
  ).id;
  for (const status of ["queued", "failed", "completed"] as const) {
    const job = await t.db.trainingJob.create({
      data: { snapshotId, config: { ...DEFAULT_TRAINING_CONFIG, name: status, snapshotId }, status, createdById: "u-admin" },
    });
    jobs[status === "completed" ? "done" : status] = job.id;
  }
  for (const n of [1, 2]) {
    const manifest = {
      name: `v${n}`,
      classes: ["happiness", "neutral"],
      backbones: [{ id: "faceapi-expression", provenance: "x" }],
      metrics: {},
      calibration: { temperature: 1, abstainThreshold: 0.5 },
      head: { quantization: "float16" },
      snapshot: { contentHash: "1".repeat(64) },
    };
    versions.push(
      (
        await t.db.modelVersion.create({
          data: { number: n, contentHash: String(n).repeat(64), artifactKey: `models/${String(n).repeat(64)}/`, manifest, metrics: {} },
        })
      ).id,
    );
  }
  await promoteVersion(t.db, { versionId: versions[0]!, actorId: null, action: "bootstrap" });
  importRunId = (await t.db.importRun.create({ data: { root: "/fixture", layout: "class-folders", options: {} } })).id;
  await t.db.image.update({ where: { id: imageId }, data: { importRunId } });
  evalSetId = (await pinEvalSet(t.db, new LocalStorage(storageDir), { source: "import", name: "roles", importRunId }, "u-admin")).set.id;
  for (const [i, versionId] of versions.entries()) {
    const probs = [i ? [0.2, 0.8] : [0.9, 0.1]];
    await t.db.evalScore.create({
      data: {
        setId: evalSetId,
        versionId,
        status: "completed",
        classes: ["happiness", "neutral"],
        excluded: {},
        metrics: {},
        predictions: { classes: ["happiness", "neutral"], probs },
      },
    });
  }
});
afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await processQueues(undefined).screening.obliterate({ force: true });
  await closeProcessQueues();
  await evaluationQueueFromEnv().obliterate({ force: true });
  await closeEvaluationQueue();
  await t?.drop();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

describe("procedure policy", () => {
  const policy = procedurePolicy(appRouter);

  it("lists every procedure, each with a declared role and a sample input", () => {
    expect(policy.map((p) => p.path)).toEqual([
      "admin.settings.get",
      "admin.settings.setReviewsRequired",
      "admin.users.list",
      "admin.users.setRole",
      "audit.activity",
      "audit.reviewers",
      "coach.clearProgress",
      "coach.plan",
      "coach.progress",
      "coach.saveAttempt",
      "coach.setPlan",
      "coach.summary",
      "dataset.summary",
      "me",
      "mentoring.learners",
      "mentoring.progress",
      "mentoring.redeem",
      "mentoring.setPlan",
      "mentoring.stop",
      "models.compare",
      "models.evalSets",
      "models.flips",
      "models.list",
      "models.pinEvalSet",
      "models.pinSources",
      "models.promote",
      "models.rollback",
      "review.agreement",
      "review.bulkFlag",
      "review.conflicts",
      "review.decide",
      "review.history",
      "review.page",
      "review.resolve",
      "review.undo",
      "screening.mislabelPrecision",
      "screening.scorecard",
      "screening.start",
      "screening.status",
      "screening.thresholds",
      "sharing.invite",
      "sharing.overview",
      "sharing.revoke",
      "sharing.withdrawInvitation",
      "snapshots.create",
      "snapshots.get",
      "snapshots.list",
      "training.cancel",
      "training.get",
      "training.list",
      "training.options",
      "training.retry",
      "training.start",
    ]);
    for (const p of policy) {
      expect(p.role, `${p.path} has no role`).toMatch(/^(public|user|curator|admin)$/);
      expect(SAMPLE_INPUTS, `${p.path} needs an entry in SAMPLE_INPUTS`).toHaveProperty([p.path]);
    }
  });

  it("declares the roles the product needs", () => {
    expect(Object.fromEntries(policy.map((p) => [p.path, p.role]))).toEqual({
      me: "user",
      "dataset.summary": "curator",
      "admin.users.list": "admin",
      "admin.users.setRole": "admin",
      "review.page": "curator",
      "review.decide": "curator",
      "review.undo": "curator",
      "review.bulkFlag": "curator",
      "review.history": "curator",
      "review.conflicts": "admin",
      "review.resolve": "admin",
      "review.agreement": "admin",
      "audit.reviewers": "admin",
      "audit.activity": "admin",
      "snapshots.list": "admin",
      "snapshots.get": "admin",
      "snapshots.create": "admin",
      "admin.settings.get": "admin",
      "admin.settings.setReviewsRequired": "admin",
      "training.options": "admin",
      "training.list": "admin",
      "training.get": "admin",
      "training.start": "admin",
      "training.cancel": "admin",
      "training.retry": "admin",
      "models.list": "admin",
      "models.promote": "admin",
      "models.rollback": "admin",
      "models.evalSets": "admin",
      "models.pinSources": "admin",
      "models.pinEvalSet": "admin",
      "models.compare": "admin",
      "models.flips": "curator",
      "coach.saveAttempt": "user",
      "coach.progress": "user",
      "coach.clearProgress": "user",
      "coach.plan": "user",
      "coach.setPlan": "user",
      "coach.summary": "user",
      "sharing.overview": "user",
      "sharing.invite": "user",
      "sharing.withdrawInvitation": "user",
      "sharing.revoke": "user",
      "mentoring.redeem": "user",
      "mentoring.learners": "user",
      "mentoring.progress": "user",
      "mentoring.setPlan": "user",
      "mentoring.stop": "user",
      "screening.start": "admin",
      "screening.status": "admin",
      "screening.thresholds": "curator",
      "screening.scorecard": "curator",
      "screening.mislabelPrecision": "curator",
    });
  });

  it("puts the mentor relation on exactly the procedures that read or change another learner's practice", () => {
    expect(policy.filter((p) => p.relation).map((p) => [p.path, p.relation])).toEqual([
      ["mentoring.progress", "mentor"],
      ["mentoring.setPlan", "mentor"],
      ["mentoring.stop", "mentor"],
    ]);
  });

  const allowedFor = (p: (typeof policy)[number], actor: Actor) => (p.relation === "mentor" ? actor === "mentor" : RANK[actor] >= RANK[p.role!]);
  const cases = policy.flatMap((p) => ACTORS.map((actor) => ({ ...p, actor, allowed: allowedFor(p, actor) })));
  it.each(cases)("$path as $actor: allowed=$allowed", async ({ path, actor, allowed }) => {
    const outcome = await callPath(actor, path).then(
      () => null,
      (err: unknown) => err,
    );
    if (allowed) {
      // Allowed callers may still fail for other reasons, but never on access.
      if (outcome instanceof TRPCError) expect(["UNAUTHORIZED", "FORBIDDEN"]).not.toContain(outcome.code);
      expect(outcome).toBeNull();
    } else {
      expect(outcome).toBeInstanceOf(TRPCError);
      expect((outcome as TRPCError).code).toBe(actor === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN");
    }
  });

  it("names the role needed when refusing", async () => {
    await expect(callerFor("user").dataset.summary()).rejects.toThrow(/needs the curator role/);
    await expect(callerFor("curator").admin.users.list({})).rejects.toThrow(/needs the admin role/);
    await expect(callerFor("anonymous").me()).rejects.toThrow(/Sign in/);
    await expect(callerFor("admin").mentoring.progress({ userId: "u-learner", timeZone: "UTC" })).rejects.toThrow(
      /have not invited you as their mentor, or they have stopped sharing/,
    );
  });
});

describe("me", () => {
  it("returns the signed-in account", async () => {
    await expect(callerFor("curator").me()).resolves.toEqual({
      id: "u-curator",
      email: "curator@example.com",
      name: "curator",
      role: "curator",
    });
  });
});

describe("admin.users.list", () => {
  it("pages through users and searches by email", async () => {
    const admin = callerFor("admin");
    const total = await t.db.user.count();
    const first = await admin.admin.users.list({ page: 1, pageSize: 3 });
    expect(first.total).toBe(total);
    expect(first.users).toHaveLength(3);
    const second = await admin.admin.users.list({ page: 2, pageSize: 3 });
    expect(second.users).toHaveLength(3);
    const all = await admin.admin.users.list({ page: 1, pageSize: 100 });
    expect(new Set(all.users.map((u) => u.id)).size).toBe(total);
    expect([...first.users, ...second.users].map((u) => u.id)).toEqual(all.users.slice(0, 6).map((u) => u.id));
    const found = await admin.admin.users.list({ search: "CURATOR@" });
    expect(found.users.map((u) => u.email)).toEqual(["curator@example.com"]);
  });

  it("rejects oversized input", async () => {
    await expect(callerFor("admin").admin.users.list({ search: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor("admin").admin.users.list({ pageSize: 1000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

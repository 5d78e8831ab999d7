import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createCaller } from "../root.ts";
import { effectiveStatus } from "./consensus.ts";

const accept = { kind: "accept", label: null, flags: [], suggestedLabel: null } as const;
const relabel = (label: string) => ({ kind: "relabel", label, flags: [], suggestedLabel: label }) as const;
const flag = (flags: string[], suggestedLabel: string | null = null) => ({ kind: "flag", label: null, flags, suggestedLabel }) as const;

describe("effectiveStatus", () => {
  it("is pending until enough curators have reviewed", () => {
    expect(effectiveStatus([accept], 2)).toEqual({ status: "pending", reviews: 1, required: 2 });
    expect(effectiveStatus([], 1)).toMatchObject({ status: "pending" });
  });

  it("follows agreement and reports disagreement as a conflict", () => {
    expect(effectiveStatus([accept, accept], 2)).toMatchObject({ status: "accepted" });
    expect(effectiveStatus([flag(["unclear"]), flag(["text_overlay", "no_face"])], 2)).toMatchObject({ status: "flagged" });
    expect(effectiveStatus([relabel("fear"), flag(["mislabelled"], "fear")], 2)).toEqual({
      status: "relabelled",
      label: "fear",
      reviews: 2,
      required: 2,
    });
    expect(effectiveStatus([relabel("fear"), relabel("anger")], 2)).toMatchObject({ status: "conflict" });
    expect(effectiveStatus([accept, flag(["unclear"])], 1)).toMatchObject({ status: "conflict" });
  });

  it("treats a relabel to the image's own class as an accept", () => {
    expect(effectiveStatus([accept, relabel("anger")], 2, { imageLabel: "anger" })).toMatchObject({ status: "accepted" });
    expect(effectiveStatus([accept, flag(["mislabelled"], "anger")], 2, { imageLabel: "anger" })).toMatchObject({ status: "accepted" });
    expect(effectiveStatus([accept, relabel("anger")], 2, { imageLabel: "fear" })).toMatchObject({ status: "conflict" });
  });

  it("lets an admin's resolution win over pending, agreeing or conflicting reviews", () => {
    const removal = { resolution: { outcome: "remove", label: null } } as const;
    expect(effectiveStatus([], 2, removal)).toEqual({ status: "resolved", outcome: "remove", label: null, reviews: 0, required: 2 });
    expect(effectiveStatus([accept, accept], 2, removal)).toMatchObject({ status: "resolved", outcome: "remove" });
    expect(effectiveStatus([accept, relabel("fear")], 2, { resolution: { outcome: "relabel", label: "fear" } })).toMatchObject({
      status: "resolved",
      outcome: "relabel",
      label: "fear",
    });
  });
});

let t: TestDatabase;
let n = 0;

async function addImage(): Promise<string> {
  const sha256 = createHash("sha256").update(`consensus-${n++}`).digest("hex");
  const image = await t.db.image.create({
    data: {
      sha256,
      storageKey: `images/${sha256}.jpg`,
      thumbKey: `thumbs/${sha256}.webp`,
      mimeType: "image/jpeg",
      width: 48,
      height: 48,
      sourcePath: `fixture/${sha256}.jpg`,
      sourceLabel: "anger",
      label: "anger",
      split: "train",
      phash: 0n,
      blurScore: 100,
      contrast: 40,
    },
  });
  return image.id;
}

function as(id: string, role: Role = "curator") {
  return createCaller({ db: t.db, session: { user: { id, email: `${id}@example.com`, name: id, role } }, headers: new Headers() });
}

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_consensus");
  for (const [id, role] of [
    ["cleo", "curator"],
    ["cato", "curator"],
    ["ada", "admin"],
  ] as const) {
    await t.db.user.create({ data: { id, email: `${id}@example.com`, name: id, role } });
  }
});
afterAll(async () => {
  await t?.drop();
});

describe("reviews required and the conflict list", () => {
  it("defaults to one review, and an admin change is audited", async () => {
    const admin = as("ada", "admin").admin.settings;
    await expect(admin.get()).resolves.toEqual({ reviewsRequired: 1 });
    await expect(admin.setReviewsRequired({ value: 2 })).resolves.toEqual({ value: 2, changed: true });
    await expect(admin.setReviewsRequired({ value: 2 })).resolves.toEqual({ value: 2, changed: false });
    await expect(admin.setReviewsRequired({ value: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.get()).resolves.toEqual({ reviewsRequired: 2 });
    const audit = await t.db.auditLog.findMany({ where: { action: "settings.set" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: "ada", entityId: "review.reviewsRequired", before: { value: 1 }, after: { value: 2 } });
  });

  it("lists only images with enough reviews that disagree, with every decision, paged by id", async () => {
    const [agree, disagree, single, mislabelAgree, disagree2] = [await addImage(), await addImage(), await addImage(), await addImage(), await addImage()];
    const decide = (who: string, imageId: string, decision: Parameters<ReturnType<typeof as>["review"]["decide"]>[0]["decision"]) =>
      as(who).review.decide({ imageId, decision });
    await decide("cleo", agree, { kind: "accept" });
    await decide("cato", agree, { kind: "accept" });
    await decide("cleo", disagree, { kind: "accept" });
    await decide("cato", disagree, { kind: "flag", flags: ["unclear"] });
    await decide("cleo", single, { kind: "relabel", label: "fear" });
    await decide("cleo", mislabelAgree, { kind: "relabel", label: "fear" });
    await decide("cato", mislabelAgree, { kind: "flag", flags: ["mislabelled"], suggestedLabel: "fear" });
    await decide("cleo", disagree2, { kind: "relabel", label: "fear" });
    await decide("cato", disagree2, { kind: "relabel", label: "sadness" });

    const admin = as("ada", "admin").review;
    const all = await admin.conflicts({});
    expect(all.required).toBe(2);
    expect(all.items.map((i) => i.id)).toEqual([disagree, disagree2].sort());
    expect(all.items.every((i) => i.status.status === "conflict" && i.decisions.length === 2)).toBe(true);

    const first = await admin.conflicts({ limit: 1 });
    const second = await admin.conflicts({ limit: 1, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(all.items.map((i) => i.id));
    expect(second.nextCursor).toBeNull();

    await expect(as("cleo").review.conflicts({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createCaller } from "../root.ts";

let t: TestDatabase;
let n = 0;

/** Inserts `count` images of one class and split; returns their ids in id order. */
async function addImages(label: string, split: "train" | "val" | "test" | null, count: number, blurScore = 100): Promise<string[]> {
  const rows = await t.db.image.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => {
      const sha256 = createHash("sha256").update(`review-${n++}`).digest("hex");
      return {
        sha256,
        storageKey: `images/${sha256}.jpg`,
        thumbKey: `thumbs/${sha256}.webp`,
        mimeType: "image/jpeg",
        width: 48,
        height: 48,
        sourcePath: `fixture/${sha256}.jpg`,
        sourceLabel: label,
        label,
        split,
        phash: 0n,
        blurScore: blurScore + i,
        contrast: 40,
      };
    }),
    select: { id: true },
  });
  return rows.map((r) => r.id).sort();
}

function as(id: string, role: Role = "curator") {
  return createCaller({ db: t.db, session: { user: { id, email: `${id}@example.com`, name: id, role } }, headers: new Headers() });
}

const auditFor = (imageId: string) => t.db.auditLog.findMany({ where: { imageId }, orderBy: { id: "asc" } });

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_review");
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

describe("review.decide", () => {
  it("upserts one decision per curator and writes an audit row with before and after", async () => {
    const [imageId] = await addImages("anger", "train", 1);
    const first = await as("cleo").review.decide({ imageId: imageId!, decision: { kind: "accept" }, expectedVersion: null });
    expect(first).toEqual({ kind: "accept", label: null, flags: [], suggestedLabel: null, version: 1 });
    const second = await as("cleo").review.decide({
      imageId: imageId!,
      decision: { kind: "relabel", label: "fear" },
      expectedVersion: 1,
    });
    expect(second).toMatchObject({ kind: "relabel", label: "fear", suggestedLabel: "fear", version: 2 });
    expect(await t.db.reviewDecision.count({ where: { imageId: imageId! } })).toBe(1);
    const audit = await auditFor(imageId!);
    expect(audit.map((a) => [a.action, a.actorId, a.entityType, a.entityId])).toEqual([
      ["review.decide", "cleo", "image", imageId],
      ["review.decide", "cleo", "image", imageId],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[0]!.after).toEqual(first);
    expect(audit[1]!.before).toEqual(first);
    expect(audit[1]!.after).toEqual(second);
  });

  it("refuses a stale version with CONFLICT and writes nothing", async () => {
    const [imageId] = await addImages("anger", "train", 1);
    await as("cleo").review.decide({ imageId: imageId!, decision: { kind: "accept" } });
    await expect(as("cleo").review.decide({ imageId: imageId!, decision: { kind: "flag", flags: ["unclear"] }, expectedVersion: null })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await t.db.auditLog.count({ where: { imageId: imageId! } })).toBe(1);
  });

  it("keeps both decisions when two curators decide on the same image at once", async () => {
    const [imageId] = await addImages("contempt", "val", 1);
    await Promise.all([
      as("cleo").review.decide({ imageId: imageId!, decision: { kind: "flag", flags: ["text_overlay"] }, expectedVersion: null }),
      as("cato").review.decide({ imageId: imageId!, decision: { kind: "relabel", label: "disgust" }, expectedVersion: null }),
    ]);
    const rows = await t.db.reviewDecision.findMany({ where: { imageId: imageId! }, orderBy: { curatorId: "asc" } });
    expect(rows.map((r) => [r.curatorId, r.kind])).toEqual([
      ["cato", "relabel"],
      ["cleo", "flag"],
    ]);
    expect(await t.db.auditLog.count({ where: { imageId: imageId! } })).toBe(2);
  });

  it("lets only one of two racing decisions by the same curator win", async () => {
    const [imageId] = await addImages("contempt", "val", 1);
    const results = await Promise.allSettled([
      as("cleo").review.decide({ imageId: imageId!, decision: { kind: "accept" }, expectedVersion: null }),
      as("cleo").review.decide({ imageId: imageId!, decision: { kind: "flag", flags: ["no_face"] }, expectedVersion: null }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "CONFLICT" } });
    expect(await t.db.auditLog.count({ where: { imageId: imageId! } })).toBe(1);
  });

  it("validates labels, reasons and ids", async () => {
    const [imageId] = await addImages("fear", "test", 1);
    const curator = as("cleo").review;
    await expect(curator.decide({ imageId: imageId!, decision: { kind: "relabel", label: "smug" as never } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(curator.decide({ imageId: imageId!, decision: { kind: "flag", flags: [] } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(curator.decide({ imageId: imageId!, decision: { kind: "flag", flags: ["mislabelled"] } })).rejects.toThrow(
      /needs the label the image should have/,
    );
    await expect(curator.decide({ imageId: "00000000-0000-4000-8000-000000000000", decision: { kind: "accept" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const flagged = await curator.decide({
      imageId: imageId!,
      decision: { kind: "flag", flags: ["mislabelled", "mislabelled"], suggestedLabel: "surprise" },
    });
    expect(flagged).toMatchObject({ flags: ["mislabelled"], suggestedLabel: "surprise" });
  });
});

describe("review.undo", () => {
  it("steps back through the curator's own decisions, then removes the decision, auditing each undo", async () => {
    const [imageId] = await addImages("happiness", "train", 1);
    const cleo = as("cleo").review;
    const accepted = await cleo.decide({ imageId: imageId!, decision: { kind: "accept" } });
    await cleo.decide({ imageId: imageId!, decision: { kind: "flag", flags: ["unclear"] } });
    await as("cato").review.decide({ imageId: imageId!, decision: { kind: "accept" } });

    const restored = await cleo.undo({ imageId: imageId! });
    expect(restored).toMatchObject({ kind: accepted.kind, version: 3 });
    await expect(cleo.undo({ imageId: imageId! })).resolves.toBeNull();
    expect(await t.db.reviewDecision.findMany({ where: { imageId: imageId! }, select: { curatorId: true } })).toEqual([{ curatorId: "cato" }]);
    await expect(cleo.undo({ imageId: imageId! })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });

    const undos = await t.db.auditLog.findMany({ where: { imageId: imageId!, action: "review.undo" }, orderBy: { id: "asc" } });
    expect(undos.map((u) => [u.actorId, (u.before as { kind: string }).kind, u.after && (u.after as { kind: string }).kind])).toEqual([
      ["cleo", "flag", "accept"],
      ["cleo", "accept", null],
    ]);
  });
});

describe("review.bulkFlag", () => {
  it("flags a selection in one transaction with one audit row per image", async () => {
    const ids = await addImages("neutral", "train", 3);
    await as("cato").review.decide({ imageId: ids[0]!, decision: { kind: "accept" } });
    await as("cato").review.decide({ imageId: ids[1]!, decision: { kind: "accept" } });
    const result = await as("cato").review.bulkFlag({ imageIds: ids, flags: ["duplicate"] });
    expect(result.map((r) => r.decision.version)).toEqual([2, 2, 1]);
    const rows = await t.db.auditLog.findMany({ where: { action: "review.bulk_flag", imageId: { in: ids } } });
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.imageId))).toEqual(new Set(ids));

    // All or nothing: one unknown id leaves every image as it was.
    await expect(as("cato").review.bulkFlag({ imageIds: [ids[0]!, "00000000-0000-4000-8000-000000000000"], flags: ["unclear"] })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await t.db.reviewDecision.findFirst({ where: { imageId: ids[0]!, curatorId: "cato" } })).toMatchObject({ flags: ["duplicate"] });
  });

  it("caps a selection at 500 images", async () => {
    const ids = Array.from({ length: 501 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    await expect(as("cato").review.bulkFlag({ imageIds: ids, flags: ["unclear"] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("review.page", () => {
  it("pages one class by keyset, filters by split, and shows only the viewer's decisions", async () => {
    const train = await addImages("sadness", "train", 5);
    const val = await addImages("sadness", "val", 2);
    await as("cato").review.decide({ imageId: train[0]!, decision: { kind: "flag", flags: ["unclear"] } });
    await as("cleo").review.decide({ imageId: train[1]!, decision: { kind: "accept" } });

    const first = await as("cleo").review.page({ label: "sadness", split: "train", limit: 3 });
    expect(first.items.map((i) => i.id)).toEqual(train.slice(0, 3));
    expect(first.items[0]!.myDecision).toBeNull();
    expect(first.items[1]!.myDecision).toMatchObject({ kind: "accept" });
    const second = await as("cleo").review.page({ label: "sadness", split: "train", limit: 3, cursor: first.nextCursor });
    expect(second.items.map((i) => i.id)).toEqual(train.slice(3));
    expect(second.nextCursor).toBeNull();

    const all = await as("cleo").review.page({ label: "sadness" });
    expect(all.items.map((i) => i.id)).toEqual([...train, ...val].sort());
    const unreviewed = await as("cleo").review.page({ label: "sadness", split: "train", notReviewedByMe: true });
    expect(unreviewed.items.map((i) => i.id)).toEqual(train.filter((id) => id !== train[1]));
  });

  it("filters by flag reason (screening or the viewer's own) and sorts blurriest first", async () => {
    const ids = await addImages("surprise", "test", 3, 10);
    await t.db.imageFlag.create({ data: { imageId: ids[2]!, reason: "no_face", source: "screening" } });
    await as("cleo").review.decide({ imageId: ids[0]!, decision: { kind: "flag", flags: ["no_face"] } });
    await as("cato").review.decide({ imageId: ids[1]!, decision: { kind: "flag", flags: ["no_face"] } });
    const flagged = await as("cleo").review.page({ label: "surprise", flag: "no_face" });
    expect(flagged.items.map((i) => i.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect(flagged.items.find((i) => i.id === ids[2])!.autoFlags).toEqual(["no_face"]);

    const blurry = await as("cleo").review.page({ label: "surprise", sort: "blurriest", limit: 2 });
    const next = await as("cleo").review.page({ label: "surprise", sort: "blurriest", limit: 2, cursor: blurry.nextCursor });
    const scores = [...blurry.items, ...next.items].map((i) => i.blurScore);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(scores).toHaveLength(3);
  });
});

describe("review.history", () => {
  it("shows a curator their own actions and an admin everyone's", async () => {
    const [imageId] = await addImages("disgust", "train", 1);
    await as("cleo").review.decide({ imageId: imageId!, decision: { kind: "accept" } });
    await as("cato").review.decide({ imageId: imageId!, decision: { kind: "relabel", label: "anger" } });
    await as("cleo").review.undo({ imageId: imageId! });

    const mine = await as("cleo").review.history({ imageId: imageId! });
    expect(mine.map((h) => [h.action, h.actor?.id])).toEqual([
      ["review.undo", "cleo"],
      ["review.decide", "cleo"],
    ]);
    expect(mine[0]).toMatchObject({ before: { kind: "accept" }, after: null });
    const everyone = await as("ada", "admin").review.history({ imageId: imageId! });
    expect(everyone.map((h) => h.actor?.id)).toEqual(["cleo", "cato", "cleo"]);
  });
});

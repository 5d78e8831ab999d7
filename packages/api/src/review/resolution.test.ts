import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { callerAs, seedImages, seedUsers } from "../testing/index.ts";

let t: TestDatabase;
const as = (id: string, role: Role = "curator") => callerAs(t.db, id, role);
type Decision = Parameters<ReturnType<typeof as>["review"]["decide"]>[0]["decision"];
const decide = (who: string, imageId: string, decision: Decision) => as(who).review.decide({ imageId, decision });

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_resolution");
  await seedUsers(t.db, [
    ["cleo", "curator"],
    ["cato", "curator"],
    ["cora", "curator"],
    ["ada", "admin"],
    ["abe", "admin"],
  ]);
  await as("ada", "admin").admin.settings.setReviewsRequired({ value: 2 });
});
afterAll(async () => {
  await t?.drop();
});

describe("review.resolve", () => {
  it("takes a conflict out of the open queue, into the resolved list, with an audit row", async () => {
    const [image] = await seedImages(t.db, "sadness", "train", 1);
    await decide("cleo", image!, { kind: "accept" });
    await decide("cato", image!, { kind: "relabel", label: "fear" });
    const admin = as("ada", "admin").review;
    const open = await admin.conflicts({});
    expect(open.items.map((i) => i.id)).toContain(image);
    expect(open.total).toBe(open.items.length);

    const resolved = await admin.resolve({ imageId: image!, resolution: { outcome: "relabel", label: "fear" }, note: "clearly afraid", expectedVersion: null });
    expect(resolved).toEqual({ outcome: "relabel", label: "fear", note: "clearly afraid", version: 1 });
    expect((await admin.conflicts({})).items.map((i) => i.id)).not.toContain(image);
    const done = await admin.conflicts({ state: "resolved" });
    const item = done.items.find((i) => i.id === image)!;
    expect(item.status).toMatchObject({ status: "resolved", outcome: "relabel", label: "fear", reviews: 2 });
    expect(item.resolution).toMatchObject({ outcome: "relabel", label: "fear", resolvedBy: { id: "ada" } });
    expect(item.decisions.map((d) => d.curator.id).sort()).toEqual(["cato", "cleo"]);

    const audit = await t.db.auditLog.findMany({ where: { imageId: image!, action: "review.resolve" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: "ada", entityType: "image", entityId: image, before: null, after: resolved });

    // Admins see the resolution in the image's history; the curators who reviewed it see only their own rows.
    const history = await admin.history({ imageId: image! });
    expect(history.map((h) => [h.action, h.actor?.id])).toEqual([
      ["review.resolve", "ada"],
      ["review.decide", "cato"],
      ["review.decide", "cleo"],
    ]);
    expect((await as("cleo").review.history({ imageId: image! })).map((h) => h.action)).toEqual(["review.decide"]);
  });

  it("can be changed by a later ruling, refuses a stale version, and audits before and after", async () => {
    const [image] = await seedImages(t.db, "anger", "val", 1);
    const ada = as("ada", "admin").review;
    const first = await ada.resolve({ imageId: image!, resolution: { outcome: "remove" }, expectedVersion: null });
    // Another admin, who saw no resolution yet, is refused and changes nothing.
    await expect(as("abe", "admin").review.resolve({ imageId: image!, resolution: { outcome: "accept" }, expectedVersion: null })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // A relabel to the image's own class is an accept.
    const second = await ada.resolve({ imageId: image!, resolution: { outcome: "relabel", label: "anger" }, expectedVersion: 1 });
    expect(second).toEqual({ outcome: "accept", label: null, note: null, version: 2 });
    const audit = await t.db.auditLog.findMany({ where: { imageId: image!, action: "review.resolve" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [null, first],
      [first, second],
    ]);
  });

  it("rejects bad input and non-admins, writing nothing", async () => {
    const [image] = await seedImages(t.db, "anger", "val", 1);
    const ada = as("ada", "admin").review;
    await expect(ada.resolve({ imageId: image!, resolution: { outcome: "relabel" } as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ada.resolve({ imageId: image!, resolution: { outcome: "relabel", label: "smug" as never } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(ada.resolve({ imageId: "00000000-0000-4000-8000-000000000000", resolution: { outcome: "remove" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(as("cleo").review.resolve({ imageId: image!, resolution: { outcome: "remove" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await t.db.reviewResolution.count({ where: { imageId: image! } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { imageId: image! } })).toBe(0);
  });
});

describe("the disagreements filter and independent reviews", () => {
  it("shows a curator only images they reviewed where reviewers disagree and no admin has ruled", async () => {
    const [agreed, disputed, othersOnly, ruled] = await seedImages(t.db, "contempt", "test", 4);
    await decide("cleo", agreed!, { kind: "accept" });
    await decide("cato", agreed!, { kind: "accept" });
    await decide("cleo", disputed!, { kind: "accept" });
    await decide("cato", disputed!, { kind: "flag", flags: ["unclear"] });
    await decide("cato", othersOnly!, { kind: "accept" });
    await decide("cora", othersOnly!, { kind: "flag", flags: ["no_face"] });
    await decide("cleo", ruled!, { kind: "accept" });
    await decide("cato", ruled!, { kind: "flag", flags: ["duplicate"] });
    await as("ada", "admin").review.resolve({ imageId: ruled!, resolution: { outcome: "accept" } });

    const page = await as("cleo").review.page({ label: "contempt", disagreements: true });
    expect(page.items.map((i) => i.id)).toEqual([disputed]);
    // Cora disagreed with Cato on othersOnly, but she never sees it there before reviewing it herself.
    expect((await as("cora").review.page({ label: "contempt", disagreements: true })).items.map((i) => i.id)).toEqual([othersOnly]);
  });

  it("never hands a curator another curator's decision, whatever the filter", async () => {
    const [image] = await seedImages(t.db, "disgust", "train", 1);
    await decide("cato", image!, { kind: "flag", flags: ["text_overlay"] });
    await decide("cora", image!, { kind: "relabel", label: "anger" });
    const cleo = as("cleo").review;
    for (const filters of [{}, { notReviewedByMe: true }, { flag: "text_overlay" as const }, { disagreements: true }]) {
      const page = await cleo.page({ label: "disgust", ...filters });
      for (const item of page.items) expect(item.myDecision).toBeNull();
      // The page carries no field with someone else's choice in it.
      expect(JSON.stringify(page)).not.toMatch(/text_overlay|"anger"|cato|cora/);
    }
    await expect(cleo.history({ imageId: image! })).resolves.toEqual([]);
    for (const call of [() => cleo.conflicts({}), () => cleo.agreement(), () => as("cleo").audit.activity({ userId: "cato" })]) {
      await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

describe("keyset paging with the consensus filters", () => {
  it("walks 'not reviewed by me' and 'disagreements' page by page to exactly the unpaged result", async () => {
    const ids = await seedImages(t.db, "neutral", "val", 8, { tag: "paging" });
    for (const i of [0, 2, 3, 5, 7]) await decide("cleo", ids[i]!, { kind: "accept" });
    for (const i of [0, 3, 4, 7]) await decide("cato", ids[i]!, { kind: "flag", flags: ["unclear"] });
    const cleo = as("cleo").review;
    for (const filters of [{ notReviewedByMe: true }, { disagreements: true }, { notReviewedByMe: true, split: "val" as const }]) {
      const all = (await cleo.page({ label: "neutral", ...filters })).items.map((i) => i.id);
      const walked: string[] = [];
      let cursor: { id: string; value: string | number | null } | null = null;
      do {
        const page: Awaited<ReturnType<typeof cleo.page>> = await cleo.page({ label: "neutral", ...filters, limit: 1, cursor });
        walked.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(walked, JSON.stringify(filters)).toEqual(all);
    }
    expect((await cleo.page({ label: "neutral", notReviewedByMe: true })).items.map((i) => i.id)).toEqual([ids[1], ids[4], ids[6]]);
    expect((await cleo.page({ label: "neutral", disagreements: true })).items.map((i) => i.id)).toEqual([ids[0], ids[3], ids[7]]);
  });
});

describe("review.agreement", () => {
  it("computes Fleiss' kappa per class and overall from the decisions in the database", async () => {
    const fresh = await createTestDatabase("mien_test_api_agreement");
    try {
      // The textbook table (κ = 0.210): 10 images, 14 curators, 5 outcomes, all images labelled fear.
      const table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
      ];
      const outcomes: Decision[] = [
        { kind: "accept" },
        { kind: "flag", flags: ["unclear"] },
        { kind: "relabel", label: "anger" },
        { kind: "relabel", label: "sadness" },
        // A lone "mislabelled" flag with a suggestion counts as that relabel.
        { kind: "flag", flags: ["mislabelled"], suggestedLabel: "surprise" },
      ];
      const curators = Array.from({ length: 14 }, (_, i) => [`k${i}`, "curator"] as const);
      await seedUsers(fresh.db, [...curators, ["boss", "admin"]]);
      const images = await seedImages(fresh.db, "fear", "train", table.length, { tag: "kappa" });
      const [single] = await seedImages(fresh.db, "happiness", "train", 1, { tag: "kappa-single" });
      for (const [i, row] of table.entries()) {
        let curator = 0;
        for (const [j, count] of row.entries()) {
          for (let c = 0; c < count; c++) {
            await callerAs(fresh.db, `k${curator++}`).review.decide({ imageId: images[i]!, decision: outcomes[j]! });
          }
        }
      }
      await callerAs(fresh.db, "k0").review.decide({ imageId: single!, decision: { kind: "accept" } });

      const result = await callerAs(fresh.db, "boss", "admin").review.agreement();
      expect(result.singleReviewed).toBe(1);
      expect(result.overall).toMatchObject({ images: 10, ratings: 140 });
      expect(result.overall.kappa).toBeCloseTo(0.21, 3);
      expect(result.overall.observed).toBeCloseTo(0.378, 3);
      const fear = result.classes.find((c) => c.name === "fear")!;
      expect(fear.kappa).toBeCloseTo(0.21, 3);
      expect(fear.outcomes).toEqual({ accept: 20 / 140, flag: 28 / 140, "relabel:anger": 39 / 140, "relabel:sadness": 21 / 140, "relabel:surprise": 32 / 140 });
      expect(result.classes.find((c) => c.name === "happiness")).toMatchObject({ images: 0, kappa: null });
      expect(result.classes.map((c) => c.name)).toEqual(["anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"]);
    } finally {
      await fresh.drop();
    }
  });
});

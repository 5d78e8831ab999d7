import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { callerAs, seedImages, seedUsers } from "../testing/index.ts";

let t: TestDatabase;
const as = (id: string, role: Role = "curator") => callerAs(t.db, id, role);

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_audit");
  await seedUsers(t.db, [
    ["cleo", "curator"],
    ["cato", "curator"],
    ["ada", "admin"],
    ["uma", "user"],
  ]);
});
afterAll(async () => {
  await t?.drop();
});

describe("audit.activity", () => {
  it("lists one person's every action newest first, keyset-paged, and nobody else's", async () => {
    const images = await seedImages(t.db, "happiness", "train", 3);
    const cleo = as("cleo").review;
    await cleo.decide({ imageId: images[0]!, decision: { kind: "accept" } });
    await cleo.decide({ imageId: images[0]!, decision: { kind: "relabel", label: "surprise" } });
    await cleo.bulkFlag({ imageIds: [images[1]!, images[2]!], flags: ["unclear"] });
    await cleo.undo({ imageId: images[0]! });
    await as("cato").review.decide({ imageId: images[0]!, decision: { kind: "flag", flags: ["no_face"] } });
    await as("ada", "admin").review.resolve({ imageId: images[0]!, resolution: { outcome: "remove" } });

    const audit = as("ada", "admin").audit;
    const all = await audit.activity({ userId: "cleo" });
    expect(all.user).toMatchObject({ id: "cleo", role: "curator" });
    expect(all.items.map((i) => i.action)).toEqual(["review.undo", "review.bulk_flag", "review.bulk_flag", "review.decide", "review.decide"]);
    expect(all.items[0]).toMatchObject({ imageId: images[0], before: { kind: "relabel", label: "surprise" }, after: { kind: "accept" } });
    expect(all.nextCursor).toBeNull();

    const pages = [];
    let cursor = null;
    do {
      const page: Awaited<ReturnType<typeof audit.activity>> = await audit.activity({ userId: "cleo", limit: 2, cursor });
      pages.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.items.map((i) => i.id));

    expect((await audit.activity({ userId: "ada" })).items.map((i) => i.action)).toEqual(["review.resolve"]);
    await expect(audit.activity({ userId: "nobody" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists the reviewers with their counts, for admins only", async () => {
    const reviewers = await as("ada", "admin").audit.reviewers();
    expect(reviewers.map((r) => [r.id, r.decisions, r.actions])).toEqual([
      ["ada", 0, 1],
      ["cato", 1, 1],
      ["cleo", 3, 5],
    ]);
    expect(reviewers[0]!.lastActionAt).toBeInstanceOf(Date);
    await expect(as("cleo").audit.reviewers()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

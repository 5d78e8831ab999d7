import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { callerAs, seedImages, seedUsers } from "../testing/index.ts";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_mislabel_precision");
  await seedUsers(t.db, [
    ["cleo", "curator"],
    ["dan", "curator"],
  ]);
});
afterAll(async () => {
  await t?.drop();
});

const flag = (imageId: string) => t.db.imageFlag.create({ data: { imageId, reason: "mislabelled", source: "screening", score: 0.9, detail: {} } });

describe("the mislabel flag's precision from curators' decisions", () => {
  it("counts relabels and mislabelled flags as confirmations and accepts as rejections, per given label", async () => {
    expect(await callerAs(t.db, "cleo").screening.mislabelPrecision()).toEqual([]);
    const [a, b, c, d] = await seedImages(t.db, "happiness", "train", 4);
    const [e] = await seedImages(t.db, "fear", "train", 1);
    const [unflagged] = await seedImages(t.db, "happiness", "train", 1);
    for (const id of [a!, b!, c!, d!, e!]) await flag(id);
    await t.db.reviewDecision.createMany({
      data: [
        { imageId: a!, curatorId: "cleo", kind: "relabel", label: "surprise" },
        { imageId: a!, curatorId: "dan", kind: "accept" },
        { imageId: b!, curatorId: "cleo", kind: "flag", flags: ["mislabelled"], suggestedLabel: "neutral" },
        // A blurry face says nothing about the label.
        { imageId: c!, curatorId: "cleo", kind: "flag", flags: ["unclear"] },
        { imageId: e!, curatorId: "cleo", kind: "accept" },
        // Decisions on images screening did not flag do not count.
        { imageId: unflagged!, curatorId: "cleo", kind: "relabel", label: "anger" },
      ],
    });
    expect(await callerAs(t.db, "cleo").screening.mislabelPrecision()).toEqual([
      { label: "fear", flagged: 1, confirmed: 0, rejected: 1, precision: 0 },
      { label: "happiness", flagged: 4, confirmed: 2, rejected: 1, precision: 2 / 3 },
    ]);
  });
});

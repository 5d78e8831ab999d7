import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { createCaller } from "../root.ts";

let t: TestDatabase;
let n = 0;

/** Inserts `count` images of one class and split straight into the table. */
async function addImages(label: string, split: "train" | "val" | "test" | null, count: number) {
  await t.db.image.createMany({
    data: Array.from({ length: count }, () => {
      const sha256 = createHash("sha256").update(String(n++)).digest("hex");
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
        blurScore: 100,
        contrast: 40,
      };
    }),
  });
}

const curator = () =>
  createCaller({
    db: t.db,
    session: { user: { id: "c", email: "c@example.com", name: "c", role: "curator" } },
    headers: new Headers(),
  });

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_dataset");
});
afterAll(async () => {
  await t?.drop();
});

describe("dataset.summary", () => {
  it("lists the eight classes in canonical order with zeros on an empty data set", async () => {
    const summary = await curator().dataset.summary();
    expect(summary.classes.map((c) => c.name)).toEqual([...EXPRESSION_CLASSES]);
    expect(summary.totals).toEqual({ train: 0, val: 0, test: 0, unassigned: 0, total: 0 });
  });

  it("counts images per class and split, with totals", async () => {
    await addImages("happiness", "train", 5);
    await addImages("happiness", "val", 2);
    await addImages("happiness", null, 1);
    await addImages("anger", "test", 3);
    await addImages("surprise", null, 4);
    const summary = await curator().dataset.summary();
    const byName = Object.fromEntries(summary.classes.map(({ name, ...counts }) => [name, counts]));
    expect(byName.happiness).toEqual({ train: 5, val: 2, test: 0, unassigned: 1, total: 8 });
    expect(byName.anger).toEqual({ train: 0, val: 0, test: 3, unassigned: 0, total: 3 });
    expect(byName.surprise).toEqual({ train: 0, val: 0, test: 0, unassigned: 4, total: 4 });
    expect(byName.neutral).toEqual({ train: 0, val: 0, test: 0, unassigned: 0, total: 0 });
    expect(summary.totals).toEqual({ train: 5, val: 2, test: 3, unassigned: 5, total: 15 });
  });
});

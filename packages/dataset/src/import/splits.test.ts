import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { faces, writeFile } from "../testing/index.ts";
import { runImport } from "./run-import.ts";
import { dealSplits, SPLIT_SHARES, type SplitCounts } from "./splits.ts";

const SPLITS = ["train", "val", "test"] as const;
const tmp = mkdtempSync(join(tmpdir(), "mien-splits-"));
const storage = new LocalStorage(join(tmp, "storage"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** How far each split is from its share of `counts`' total, in images. */
function deviation(counts: SplitCounts): number {
  const total = counts.train + counts.val + counts.test;
  return Math.max(...SPLITS.map((s) => Math.abs(counts[s] - SPLIT_SHARES[s] * total)));
}

const add = (a: SplitCounts, b: SplitCounts): SplitCounts => ({ train: a.train + b.train, val: a.val + b.val, test: a.test + b.test });

describe("dealSplits", () => {
  it("keeps every split within one image of its share after every single image", () => {
    let counts: SplitCounts = { train: 0, val: 0, test: 0 };
    let worst = 0;
    for (let n = 1; n <= 20_000; n++) {
      counts = add(counts, dealSplits(counts, 1));
      worst = Math.max(worst, deviation(counts));
    }
    expect(counts).toEqual({ train: 14_000, val: 3_000, test: 3_000 });
    expect(worst).toBeLessThan(1);
  });

  it("deals a batch exactly as one image at a time would", () => {
    let oneByOne: SplitCounts = { train: 7, val: 1, test: 2 };
    for (let i = 0; i < 333; i++) oneByOne = add(oneByOne, dealSplits(oneByOne, 1));
    expect(add({ train: 7, val: 1, test: 2 }, dealSplits({ train: 7, val: 1, test: 2 }, 333))).toEqual(oneByOne);
  });

  it("evens out a class that is off its shares (e.g. after images were deleted)", () => {
    const dealt = dealSplits({ train: 100, val: 0, test: 0 }, 50);
    expect(dealt).toEqual({ train: 5, val: 23, test: 22 });
    expect(deviation(add({ train: 100, val: 0, test: 0 }, dealt))).toBeLessThan(1);
  });
});

/** Dealt counts per class, and every image's split by content hash. */
async function state(t: TestDatabase) {
  const rows = await t.db.image.findMany({ select: { sha256: true, label: true, split: true, splitDealt: true } });
  const perClass: Record<string, SplitCounts> = {};
  for (const r of rows) {
    expect(r.split, `image ${r.sha256} has no split`).not.toBeNull();
    if (!r.splitDealt) continue;
    perClass[r.label] ??= { train: 0, val: 0, test: 0 };
    perClass[r.label]![r.split!]++;
  }
  return { perClass, splitOf: new Map(rows.map((r) => [r.sha256, r.split])) };
}

describe("many small imports", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("mien_test_splits_small");
  });
  afterAll(async () => t?.drop());

  it("give every class its val and test images, within one image of 70/15/15 after each import, and never move a split", async () => {
    const classes = ["anger", "disgust", "fear", "happiness", "neutral", "sadness"];
    const pics = faces(3 * 60 + 25 * 12, 3000);
    let next = 0;
    let before = new Map<string, string | null>();
    const check = async () => {
      const { perClass, splitOf } = await state(t);
      for (const [label, counts] of Object.entries(perClass)) expect(deviation(counts), `${label}: ${JSON.stringify(counts)}`).toBeLessThan(1);
      for (const [sha, split] of before) expect(splitOf.get(sha), `image ${sha} moved`).toBe(split);
      before = splitOf;
      return perClass;
    };

    // The case: three imports of 60 images, 10 per class.
    for (let run = 0; run < 3; run++) {
      const root = join(tmp, `week-${run}`);
      for (const cls of classes) for (let i = 0; i < 10; i++) writeFile(join(root, cls, pics[next]!.name), pics[next++]!.bytes);
      expect((await runImport({ db: t.db, storage, root })).imported).toBe(60);
      await check();
    }
    const afterThree = await check();
    for (const cls of classes) expect(afterThree[cls]).toEqual({ train: 21, val: 5, test: 4 }); // 30 images: 21 / 4.5 / 4.5

    // Then 25 imports of 1–3 images per class, one CSV each (the AffectNet-style small drop).
    for (let run = 0; run < 25; run++) {
      const root = join(tmp, `drop-${run}`);
      const rows = ["pth,label"];
      for (const [c, cls] of classes.slice(0, 4).entries()) {
        for (let i = 0; i < 1 + ((run + c) % 3); i++) {
          const p = pics[next++]!;
          writeFile(join(root, cls, p.name), p.bytes);
          rows.push(`${cls}/${p.name},${cls}`);
        }
      }
      writeFile(join(root, "labels.csv"), rows.join("\n"));
      await runImport({ db: t.db, storage, root });
      await check();
    }
    const final = await check();
    // However they arrived, each class ends as if dealt in one go: 30 + 49, 50, 51 and 49 images.
    expect(final).toEqual({
      anger: { train: 55, val: 12, test: 12 },
      disgust: { train: 56, val: 12, test: 12 },
      fear: { train: 57, val: 12, test: 12 },
      happiness: { train: 55, val: 12, test: 12 },
      neutral: { train: 21, val: 5, test: 4 },
      sadness: { train: 21, val: 5, test: 4 },
    });
    for (const c of Object.values(final)) expect(c).toEqual(dealSplits({ train: 0, val: 0, test: 0 }, c.train + c.val + c.test));
  }, 180_000);
});

describe("one large import, and source splits", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("mien_test_splits_large");
  });
  afterAll(async () => t?.drop());

  it("deals exactly 70/15/15 per class in one import of 140 images per class", async () => {
    const root = join(tmp, "large");
    const pics = faces(420, 4000);
    pics.forEach((p, i) => writeFile(join(root, ["happy", "sad", "surprised"][i % 3]!, p.name), p.bytes));
    const s = await runImport({ db: t.db, storage, root });
    expect(s.imported).toBe(420);
    const { perClass } = await state(t);
    expect(perClass).toEqual({
      happiness: { train: 98, val: 21, test: 21 },
      sadness: { train: 98, val: 21, test: 21 },
      surprise: { train: 98, val: 21, test: 21 },
    });
    expect(s.bySplit).toEqual({
      train: { happiness: 98, sadness: 98, surprise: 98 },
      val: { happiness: 21, sadness: 21, surprise: 21 },
      test: { happiness: 21, sadness: 21, surprise: 21 },
    });
  }, 120_000);

  it("keeps a source's own splits and does not count them when dealing", async () => {
    const root = join(tmp, "fer-like");
    const pics = faces(30, 4500);
    pics.slice(0, 20).forEach((p) => writeFile(join(root, "train", "fear", p.name), p.bytes));
    pics.slice(20, 25).forEach((p) => writeFile(join(root, "PublicTest", "fear", p.name), p.bytes));
    const s = await runImport({ db: t.db, storage, root });
    const rows = await t.db.image.findMany({ where: { importRunId: s.runId }, select: { sourcePath: true, split: true, splitDealt: true } });
    expect(rows).toHaveLength(25);
    for (const r of rows) expect([r.split, r.splitDealt]).toEqual([r.sourcePath.startsWith("train/") ? "train" : "val", false]);

    // Fear's dealt images start from zero: the 25 source-split ones are FER's business.
    const more = join(tmp, "fear-more");
    pics.slice(25).forEach((p) => writeFile(join(more, "afraid", p.name), p.bytes));
    await runImport({ db: t.db, storage, root: more });
    expect((await state(t)).perClass.fear).toEqual({ train: 3, val: 1, test: 1 });
    expect(await t.db.image.count({ where: { label: "fear", splitDealt: false, split: "train" } })).toBe(20);
  }, 60_000);
});

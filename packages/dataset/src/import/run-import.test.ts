import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage, type Storage } from "@mien/storage";

import { UnknownLabelsError } from "../errors.ts";
import { bombPng, faces, writeFile } from "../testing/index.ts";
import type { ImportIssueReason, ImportSummary } from "../types.ts";
import { runImport } from "./run-import.ts";

let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-import-"));
const storage = new LocalStorage(join(tmp, "storage"));

beforeAll(async () => {
  t = await createTestDatabase("mien_test_import");
});
afterAll(async () => {
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const reasonsOf = (s: ImportSummary) => Object.fromEntries(s.issues.map((i) => [i.path, i.reason])) as Record<string, ImportIssueReason>;

describe("class folders under split folders", () => {
  const root = join(tmp, "fer-like");
  const pics = faces(24);

  beforeAll(() => {
    // Spellings vary on purpose: "Happy" and "sad" are synonyms of canonical classes.
    pics.forEach((p, i) => {
      const split = i < 18 ? "train" : "validation";
      const cls = ["Happy", "sad", "anger"][i % 3]!;
      writeFile(join(root, split, cls, p.name), p.bytes);
    });
    writeFile(join(root, "README.md"), "about this data set"); // next to the folders: ignored
    // A validation picture also filed under train: the validation copy must win, whatever the disk order.
    writeFile(join(root, "train", "sad", "leaked.jpg"), pics[20]!.bytes);
  });

  it("imports every image with its folder's split and canonical class", async () => {
    const progress: number[] = [];
    // On two worker threads (a small import would otherwise stay on the main thread).
    const s = await runImport({ db: t.db, storage, root, threads: 2, onProgress: (p) => progress.push(p.seen) });
    expect(s).toMatchObject({ layout: "class-folders", seen: 25, imported: 24, copies: 1, skipped: 0, failed: 0, resumed: false });
    expect(s.issues).toEqual([]);
    // Stored once, as the validation image; the train file is kept as a copy with its own label and split.
    expect(s.copyList).toEqual([
      { path: "train/sad/leaked.jpg", label: "sadness", split: "train", of: { path: `validation/anger/${pics[20]!.name}`, label: "anger", split: "val" } },
    ]);
    expect(s.bySplit).toEqual({ train: { happiness: 6, sadness: 6, anger: 6 }, val: { happiness: 2, sadness: 2, anger: 2 } });
    expect(progress.at(-1)).toBe(25);

    const img = await t.db.image.findFirstOrThrow({ where: { sourcePath: `train/Happy/${pics[0]!.name}` } });
    expect(img).toMatchObject({
      label: "happiness",
      sourceClass: "happiness",
      sourceLabel: "Happy",
      split: "train",
      mimeType: "image/jpeg",
      width: 160,
      height: 160,
    });
    expect(img.storageKey).toBe(`originals/${img.sha256.slice(0, 2)}/${img.sha256}.jpg`);
    // A 160 px JPEG of a few KB is its own thumbnail: no second file.
    expect(img.thumbKey).toBe(img.storageKey);
    expect(Buffer.compare(await storage.get(img.storageKey), pics[0]!.bytes)).toBe(0);
    expect(await storage.exists(`thumbs/${img.sha256.slice(0, 2)}/${img.sha256}.webp`)).toBe(false);
    expect(img.blurScore).toBeGreaterThan(0);
    expect(img.contrast).toBeGreaterThan(0);
    expect(typeof img.phash).toBe("bigint");

    const run = await t.db.importRun.findUniqueOrThrow({ where: { id: s.runId } });
    expect(run).toMatchObject({ status: "completed", seen: 25, imported: 24, failed: 0, layout: "class-folders" });
    expect(await t.db.imageCopy.count({ where: { importRunId: s.runId } })).toBe(1);
  });

  it("adds nothing when run again", async () => {
    const s = await runImport({ db: t.db, storage, root });
    expect(s).toMatchObject({ seen: 25, imported: 0, copies: 0, skipped: 25, failed: 0 });
    expect(await t.db.imageCopy.count()).toBe(1);
    expect(await t.db.image.count({ where: { sourcePath: { startsWith: "train/" } } })).toBe(18);
  });
});

describe("a labels CSV with every kind of bad file", () => {
  const root = join(tmp, "csv-bad");
  const outside = join(tmp, "outside-secret.jpg");
  const pics = faces(40, 100);
  let summary: ImportSummary;

  beforeAll(async () => {
    const img = (i: number) => pics[i]!;
    const rows: string[] = ["user.id,image,emotion"];
    // 30 good images, label spellings in every case.
    for (let i = 0; i < 30; i++) {
      writeFile(join(root, "images", img(i).name), img(i).bytes);
      rows.push(`7,${img(i).name},${["HAPPINESS", "neutral", "Surprise"][i % 3]}`);
    }
    const bad = (name: string, bytes: Buffer | string, label = "neutral") => {
      writeFile(join(root, "images", name), bytes);
      rows.push(`7,${name},${label}`);
    };
    bad("truncated.jpg", img(30).bytes.subarray(0, Math.floor(img(30).bytes.length * 0.5)));
    const png = await sharp(img(31).bytes).png().toBuffer();
    bad("truncated.png", png.subarray(0, png.length - 400));
    bad("notes.jpg", "this is a text file, not a picture\n");
    bad("bomb.png", bombPng(20_000, 20_000));
    bad("copy-of-0.jpg", img(0).bytes); // same bytes as the first good image
    writeFile(outside, img(32).bytes);
    symlinkSync(outside, join(root, "images", "escape.jpg"));
    rows.push("7,escape.jpg,neutral");
    symlinkSync(join(root, "images", img(1).name), join(root, "images", "inside-link.jpg")); // inside the root: fine…
    rows.push("7,inside-link.jpg,neutral"); // …but the same content as image 1
    writeFile(join(root, "images", "alias", "relinked.jpg"), img(33).bytes);
    rows.push("7,alias/relinked.jpg,sad");
    rows.push("7,does-not-exist.jpg,neutral");
    rows.push(`7,${img(2).name},sadness`); // repeats image 2 with another label
    rows.push(`7,${img(3).name},happy`); // repeats image 3 (first "HAPPINESS") with the same class, twice
    rows.push(`7,${img(3).name},Happiness`);
    rows.push("7,,neutral");
    // The same broken bytes twice: the second file must fail with the first, not become a copy of nothing.
    bad("truncated-again.jpg", img(30).bytes.subarray(0, Math.floor(img(30).bytes.length * 0.5)));
    writeFile(join(root, "images", "never-named.jpg"), img(34).bytes);
    writeFile(join(root, "legend.csv"), rows.join("\n") + "\n");
    // Every refusal below crosses from a worker thread.
    summary = await runImport({ db: t.db, storage, root, threads: 2 });
  });

  it("imports every good image with normalised labels", async () => {
    expect(summary.layout).toBe("labels-csv");
    expect(summary.imported).toBe(31); // 30 good + alias/relinked.jpg
    const happy = await t.db.image.findFirstOrThrow({ where: { sourcePath: `images/${pics[0]!.name}` } });
    expect(happy).toMatchObject({ label: "happiness", sourceClass: "happiness", sourceLabel: "HAPPINESS" });
    expect(await t.db.image.count({ where: { importRunId: summary.runId, label: "surprise" } })).toBe(10);
  });

  it("gives each bad file its own reason", () => {
    const r = reasonsOf(summary);
    expect(r["images/truncated.jpg"]).toBe("corrupt-image");
    expect(r["images/truncated.png"]).toBe("corrupt-image");
    expect(r["images/truncated-again.jpg"]).toBe("corrupt-image");
    expect(r["images/notes.jpg"]).toBe("not-an-image");
    expect(r["images/bomb.png"]).toBe("too-many-pixels");
    expect(r["images/escape.jpg"]).toBe("outside-root");
    expect(r["images/does-not-exist.jpg"]).toBe("missing-file");
    expect(r[`images/${pics[2]!.name}`]).toBe("duplicate-row");
    expect(r[`images/${pics[3]!.name}`]).toBe("duplicate-row");
    expect(r["images/never-named.jpg"]).toBe("unlabelled-file");
    expect(r["legend.csv:44"]).toBe("bad-row");
    expect(summary.issues).toHaveLength(11);
  });

  it("keeps files with the same bytes as a stored image as copies, with their own label", () => {
    const byPath = Object.fromEntries(summary.copyList.map((c) => [c.path, c]));
    expect(Object.keys(byPath).sort()).toEqual(["images/copy-of-0.jpg", "images/inside-link.jpg"]);
    expect(byPath["images/copy-of-0.jpg"]).toMatchObject({ label: "neutral", of: { path: `images/${pics[0]!.name}`, label: "happiness" } });
    expect(byPath["images/inside-link.jpg"]!.of.path).toBe(`images/${pics[1]!.name}`);
  });

  it("says what went wrong in each detail", () => {
    const d = Object.fromEntries(summary.issues.map((i) => [i.path, i.detail]));
    expect(d["images/bomb.png"]).toMatch(/20000×20000 \(400\.0 MP\) is over the 40\.0 MP limit/);
    // Line 1 is the header, so image i is on line i + 2; the extra rows come after the 12 bad-file rows.
    expect(d[`images/${pics[2]!.name}`]).toBe(
      `legend.csv names this file again on line 41 (first on line 4); the labels differ ("Surprise" vs "sadness"), the first row's "Surprise" was used`,
    );
    expect(d[`images/${pics[3]!.name}`]).toBe("legend.csv names this file again on lines 42, 43 (first on line 5)"); // happy = HAPPINESS
    expect(d["images/escape.jpg"]).toContain(outside);
    expect(d["images/truncated-again.jpg"]).toMatch(/^same bytes as images\/truncated\.jpg, which could not be imported: could not decode/);
    expect(d["images/notes.jpg"]).toMatch(/text file/);
  });

  it("counts every file and row exactly once", () => {
    // 30 good + 1 relinked imported, 2 copies; the rest are issues; the repeated image 3 has two extra rows.
    expect(summary.seen).toBe(summary.imported + summary.copies + summary.skipped + summary.failed);
    expect(summary.copies).toBe(2);
    expect(summary.failed).toBe(12);
  });

  it("records the issues in the database", async () => {
    expect(await t.db.importIssue.count({ where: { importRunId: summary.runId } })).toBe(11);
    expect(await t.db.imageCopy.count({ where: { importRunId: summary.runId } })).toBe(2);
  });

  it("deals a stratified, deterministic 70/15/15 split to images without one", async () => {
    const rows = await t.db.image.findMany({
      where: { importRunId: summary.runId },
      orderBy: { sha256: "asc" },
      select: { label: true, split: true, splitDealt: true },
    });
    expect(rows.every((r) => r.split !== null && r.splitDealt)).toBe(true);
    // Neutral's first dealt images: 10 → 7 / 2 / 1, taken in content-hash order (splits.test.ts covers the shares).
    const neutral = rows.filter((r) => r.label === "neutral").map((r) => r.split);
    expect(neutral).toEqual([...Array(7).fill("train"), "val", "val", "test"]);
  });

  it("never re-splits an image", async () => {
    const before = await t.db.image.findMany({ where: { importRunId: summary.runId }, select: { id: true, split: true } });
    await t.db.image.updateMany({ where: { importRunId: summary.runId }, data: { split: "test" } });
    await runImport({ db: t.db, storage, root });
    expect(await t.db.image.count({ where: { importRunId: summary.runId, split: { not: "test" } } })).toBe(0);
    for (const b of before) await t.db.image.update({ where: { id: b.id }, data: { split: b.split } });
  });
});

describe("labels", () => {
  const root = join(tmp, "unknown-labels");
  beforeAll(() => {
    const pics = faces(5, 200);
    writeFile(join(root, "happy", pics[0]!.name), pics[0]!.bytes);
    writeFile(join(root, "Puzzled", pics[1]!.name), pics[1]!.bytes);
    writeFile(join(root, "Puzzled", pics[2]!.name), pics[2]!.bytes);
    writeFile(join(root, "bored", pics[3]!.name), pics[3]!.bytes);
  });

  it("refuses unknown labels before importing anything, listing each with its count", async () => {
    const runs = await t.db.importRun.count();
    const err = await runImport({ db: t.db, storage, root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownLabelsError);
    expect((err as UnknownLabelsError).labels).toEqual(["Puzzled", "bored"]);
    expect((err as UnknownLabelsError).counts).toEqual({ Puzzled: 2, bored: 1 });
    expect((err as Error).message).toMatch(/--map/);
    expect(await t.db.importRun.count()).toBe(runs);
    expect(await t.db.image.count({ where: { sourcePath: { startsWith: "happy/" } } })).toBe(0);
  });

  it("imports once every unknown label is mapped (case-insensitively)", async () => {
    const s = await runImport({ db: t.db, storage, root, map: { puzzled: "surprise", BORED: "neutral" } });
    expect(s.imported).toBe(4);
    const puzzled = await t.db.image.findMany({ where: { importRunId: s.runId, sourceLabel: "Puzzled" } });
    expect(puzzled.map((p) => p.label)).toEqual(["surprise", "surprise"]);
  });

  it("rejects a mapping to something that is not a class", async () => {
    await expect(runImport({ db: t.db, storage, root, map: { puzzled: "confused" } })).rejects.toThrow(/"confused" is not a class/);
  });
});

describe("resuming an interrupted import", () => {
  const root = join(tmp, "resume");
  const pics = faces(30, 300);
  beforeAll(() => pics.forEach((p, i) => writeFile(join(root, i % 2 ? "fear" : "disgust", p.name), p.bytes)));

  it("continues the same run and ends with every image exactly once", async () => {
    // Storage that fails after 12 writes: the run dies half-way, like a full disk.
    let writes = 0;
    const flaky: Storage = {
      driver: "local",
      put: async (k, b, c) => {
        if (++writes > 12) throw new Error("disk full");
        await storage.put(k, b, c);
      },
      get: (k) => storage.get(k),
      exists: (k) => storage.exists(k),
      delete: (k) => storage.delete(k),
      list: (p) => storage.list(p),
    };
    await expect(runImport({ db: t.db, storage: flaky, root, concurrency: 2 })).rejects.toThrow(/disk full/);
    const failed = await t.db.importRun.findFirstOrThrow({ where: { root: { endsWith: "/resume" } } });
    expect(failed.status).toBe("failed");

    const s = await runImport({ db: t.db, storage, root });
    expect(s.runId).toBe(failed.id);
    expect(s.resumed).toBe(true);
    expect(s).toMatchObject({ seen: 30, imported: 30, skipped: 0, failed: 0 });
    expect(await t.db.image.count({ where: { importRunId: failed.id } })).toBe(30);
    expect((await t.db.importRun.findUniqueOrThrow({ where: { id: failed.id } })).status).toBe("completed");
  });
});

describe("CSV layouts", () => {
  it("reads the AffectNet layout: labels.csv with pth,label and paths relative to the root", async () => {
    const root = join(tmp, "affectnet");
    const pics = faces(6, 400);
    const rows = [",pth,label,relFCs"];
    pics.forEach((p, i) => {
      const cls = ["anger", "contempt"][i % 2]!;
      writeFile(join(root, cls, `image${i}.jpg`), p.bytes);
      rows.push(`${i},${cls}/image${i}.jpg,${cls},0.5`);
    });
    writeFile(join(root, "labels.csv"), rows.join("\n"));
    const s = await runImport({ db: t.db, storage, root });
    expect(s).toMatchObject({ layout: "labels-csv", imported: 6, failed: 0 });
    expect(await t.db.image.count({ where: { importRunId: s.runId, label: "contempt", sourcePath: { startsWith: "contempt/" } } })).toBe(3);
  });

  it("accepts the CSV file itself as the root", async () => {
    const root = join(tmp, "csv-direct");
    const pics = faces(3, 450);
    pics.forEach((p) => writeFile(join(root, "pics", p.name), p.bytes));
    writeFile(join(root, "my labels.csv"), ["file;expression", ...pics.map((p) => `pics/${p.name};Fearful`)].join("\r\n"));
    const s = await runImport({ db: t.db, storage, root: join(root, "my labels.csv") });
    expect(s).toMatchObject({ imported: 3, failed: 0 });
  });

  it("refuses a second import of the same folder while the first is running", async () => {
    const root = join(tmp, "twice");
    faces(4, 500).forEach((p) => writeFile(join(root, "calm", p.name), p.bytes));
    const results = await Promise.allSettled([runImport({ db: t.db, storage, root }), runImport({ db: t.db, storage, root })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(String(rejected.reason)).toMatch(/already being imported/);
    expect(await t.db.image.count({ where: { sourcePath: { startsWith: "calm/" } } })).toBe(4);
  });

  it("names the columns it found when none is usable", async () => {
    const root = join(tmp, "csv-unusable");
    mkdirSync(join(root, "stuff"), { recursive: true });
    writeFileSync(join(root, "data.csv"), "id,picture,mood\n1,a.jpg,happy\n");
    await expect(runImport({ db: t.db, storage, root })).rejects.toThrow(
      /data\.csv has no image column \(one of: image, pth.*\) and no label column .*Columns found: "id", "picture", "mood"/,
    );
    expect(existsSync(join(root, "stuff"))).toBe(true);
  });
});

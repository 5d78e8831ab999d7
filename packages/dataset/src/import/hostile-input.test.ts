import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { LayoutError } from "../errors.ts";
import { sha256Hex } from "../image/analyse.ts";
import { bombPng, faces, writeFile } from "../testing/index.ts";
import type { ImportIssue, ImportSummary } from "../types.ts";
import { runImport } from "./run-import.ts";

// Hostile or broken input that run-import.test.ts does not cover. Each case sits in a run with good
// images, and checks both the clear reason and that every good image of that run was imported.

let t: TestDatabase;
const tmp = mkdtempSync(join(tmpdir(), "mien-hostile-"));
const storage = new LocalStorage(join(tmp, "storage"));

beforeAll(async () => {
  t = await createTestDatabase("mien_test_import_hostile");
});
afterAll(async () => {
  await t?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

const issueAt = (s: ImportSummary, path: string): ImportIssue | undefined => s.issues.find((i) => i.path === path);

/** The good images of a run are exactly `paths` (nothing lost, nothing extra). */
async function expectImported(s: ImportSummary, paths: string[]): Promise<void> {
  const rows = await t.db.image.findMany({ where: { importRunId: s.runId }, select: { sourcePath: true } });
  expect(rows.map((r) => r.sourcePath).sort()).toEqual([...paths].sort());
  expect(s.imported).toBe(paths.length);
  expect(s.seen).toBe(s.imported + s.copies + s.skipped + s.failed);
}

/** A JPEG that is only a header: SOI, then a baseline SOF0 declaring width×height, then EOI. */
function jpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", "latin1"),
    sof,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A real (stored, uncompressed) ZIP archive of `entries`, names taken as given (zip-slip names included). */
function zipOf(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const n = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += local.length + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe("class folders with hostile files", () => {
  const root = join(tmp, "folders");
  const pics = faces(12, 600);
  const good = pics.map((p, i) => `${["happy", "sad", "angry"][i % 3]}/${p.name}`);
  // The file name f\xff.jpg: 0xff is never valid in UTF-8.
  const badName = Buffer.from([0x66, 0xff, 0x2e, 0x6a, 0x70, 0x67]);
  // Faces that only exist inside the archive, under zip-slip names.
  const inZip = faces(2, 700);
  let s: ImportSummary;

  beforeAll(async () => {
    pics.forEach((p, i) => writeFile(join(root, good[i]!), p.bytes));
    writeFile(join(root, "happy", "wide.png"), bombPng(100_000, 50)); // 5 MP: under the pixel limit, but 100000 px wide
    writeFile(join(root, "happy", "tall.jpg"), jpegHeader(40, 65_000));
    writeFile(join(root, "sad", "empty.jpg"), Buffer.alloc(0));
    const archive = zipOf({ "../../escaped.jpg": inZip[0]!.bytes, "/tmp/absolute.jpg": inZip[1]!.bytes });
    writeFile(join(root, "sad", "faces.zip"), archive);
    writeFile(join(root, "sad", "renamed-zip.jpg"), archive);
    // A Buffer path: the only way to make a name that is not valid UTF-8.
    writeFileSync(Buffer.concat([Buffer.from(join(root, "angry") + "/"), badName]), faces(1, 702)[0]!.bytes);
    s = await runImport({ db: t.db, storage, root });
  });

  it("imports every good image, and reports each hostile file instead of failing the run", async () => {
    await expectImported(s, good);
    const run = await t.db.importRun.findUniqueOrThrow({ where: { id: s.runId } });
    expect(run.status).toBe("completed");
    expect(s.failed).toBe(6);
    expect(s.issues).toHaveLength(6);
  });

  it("refuses a header declaring 100000×50 before decoding it, though it is under the pixel limit", () => {
    expect(issueAt(s, "happy/wide.png")).toEqual({
      path: "happy/wide.png",
      reason: "too-wide-or-tall",
      detail: "100000×50 has a side over the 16384 px limit; crop or resize the image",
    });
    // tall.jpg is only a header (no scan data): a decode would fail as corrupt-image, so this reason proves the header refused it.
    expect(issueAt(s, "happy/tall.jpg")).toMatchObject({ reason: "too-wide-or-tall", detail: expect.stringMatching(/^40×65000 has a side over/) });
  });

  it("says an empty file is empty", () => {
    expect(issueAt(s, "sad/empty.jpg")).toMatchObject({ reason: "not-an-image", detail: "the file is empty" });
  });

  it("does not unpack archives: a .zip is not an image, whatever it contains or is called", () => {
    expect(issueAt(s, "sad/faces.zip")).toMatchObject({ reason: "not-an-image", detail: expect.stringMatching(/not an image file type \(\.zip\)/) });
    expect(issueAt(s, "sad/renamed-zip.jpg")).toMatchObject({ reason: "not-an-image", detail: expect.stringMatching(/ZIP archive.*unpack/) });
  });

  it("never unpacks the archive's entries, zip-slip names included", async () => {
    expect(await t.db.image.count({ where: { sha256: { in: inZip.map((p) => sha256Hex(p.bytes)) } } })).toBe(0);
    expect(await t.db.imageCopy.count({ where: { sha256: { in: inZip.map((p) => sha256Hex(p.bytes)) } } })).toBe(0);
  });

  it("reports a file name that is not valid UTF-8 with its bytes escaped, and a reason", () => {
    expect(readdirSync(join(root, "angry"), { encoding: "buffer" }).some((n) => n.equals(badName))).toBe(true);
    expect(issueAt(s, "angry/f\\xff.jpg")).toMatchObject({ reason: "unreadable", detail: expect.stringMatching(/not valid UTF-8.*rename/) });
  });

  it("stores the escaped path in the database", async () => {
    const row = await t.db.importIssue.findFirstOrThrow({ where: { importRunId: s.runId, reason: "unreadable" } });
    expect(row.path).toBe("angry/f\\xff.jpg");
  });
});

describe("a labels CSV with hostile rows", () => {
  const root = join(tmp, "csv");
  const outside = join(tmp, "outside.jpg");
  const pics = faces(10, 800);
  const inZip = faces(1, 850)[0]!;
  let s: ImportSummary;

  beforeAll(async () => {
    const rows = ["user.id,image,emotion"];
    for (const [i, p] of pics.entries()) {
      writeFile(join(root, "images", p.name), p.bytes);
      rows.push(`7,${p.name},${["happy", "neutral"][i % 2]}`);
    }
    writeFile(outside, faces(1, 900)[0]!.bytes);
    rows.push("7,../outside.jpg,happy"); // line 12
    rows.push("7,/etc/passwd,happy"); // line 13
    rows.push("7,sub/../../../outside.jpg,happy"); // line 14
    rows.push("7,a,b,c,d,surprise"); // line 15: a name with unquoted commas shifts every cell
    rows.push("7,only-two-cells.jpg"); // line 16
    writeFile(join(root, "images", "empty.jpg"), Buffer.alloc(0));
    rows.push("7,empty.jpg,neutral"); // line 17
    writeFile(join(root, "images", "faces.zip"), zipOf({ "../../evil.jpg": inZip.bytes }));
    rows.push("7,faces.zip,neutral"); // line 18
    // No row can name a file whose name is not valid UTF-8; it must still be reported, not skipped.
    writeFileSync(
      Buffer.concat([Buffer.from(join(root, "images") + "/"), Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9, 0x2e, 0x6a, 0x70, 0x67])]),
      faces(1, 860)[0]!.bytes,
    );
    writeFile(join(root, "legend.csv"), rows.join("\n") + "\n");
    s = await runImport({ db: t.db, storage, root });
  });

  it("imports every good row", async () => {
    await expectImported(
      s,
      pics.map((p) => `images/${p.name}`),
    );
    expect(s.issues).toHaveLength(8);
  });

  it("reports an image whose name is not valid UTF-8 (latin1 é), escaped", () => {
    expect(issueAt(s, "images/latin\\xe9.jpg")).toMatchObject({ reason: "unreadable", detail: expect.stringMatching(/not valid UTF-8/) });
  });

  it("refuses paths that leave the import folder, relative or absolute", () => {
    for (const path of ["../outside.jpg", "/etc/passwd", "sub/../../../outside.jpg"]) {
      expect(issueAt(s, path)).toMatchObject({
        reason: "outside-root",
        detail: expect.stringMatching(/^legend\.csv line 1[234] names a path outside the import folder$/),
      });
    }
  });

  it("reports rows with the wrong number of cells instead of guessing, and keeps going", () => {
    expect(issueAt(s, "legend.csv:15")).toEqual({
      path: "legend.csv:15",
      reason: "bad-row",
      detail: "legend.csv line 15 has 6 cells where the header has 3; quote a value that contains the delimiter",
    });
    expect(issueAt(s, "legend.csv:16")).toMatchObject({
      reason: "bad-row",
      detail: "legend.csv line 16 has 2 cells where the header has 3; quote a value that contains the delimiter",
    });
  });

  it("says an empty file is empty and an archive is not an image", () => {
    expect(issueAt(s, "images/empty.jpg")).toMatchObject({ reason: "not-an-image", detail: "the file is empty" });
    expect(issueAt(s, "images/faces.zip")).toMatchObject({ reason: "not-an-image", detail: expect.stringMatching(/ZIP archive/) });
  });

  it("never unpacks the archive's entry", async () => {
    expect(await t.db.image.count({ where: { sha256: sha256Hex(inZip.bytes) } })).toBe(0);
  });
});

describe("a labels CSV without a label column", () => {
  it("refuses before importing anything, naming the columns it found", async () => {
    const root = join(tmp, "csv-no-label");
    const pics = faces(3, 950);
    pics.forEach((p) => writeFile(join(root, "images", p.name), p.bytes));
    writeFile(join(root, "legend.csv"), ["user.id,image,mood", ...pics.map((p) => `7,${p.name},happy`)].join("\n"));
    const runs = await t.db.importRun.count();
    const err = await runImport({ db: t.db, storage, root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayoutError);
    expect((err as Error).message).toBe(
      'legend.csv has no label column (one of: label, emotion, expression, class, classname, category). Columns found: "user.id", "image", "mood". Rename the header, e.g. to "image,label".',
    );
    // A whole-file problem: nothing is half-imported.
    expect(await t.db.importRun.count()).toBe(runs);
    expect(await t.db.image.count({ where: { sourcePath: { in: pics.map((p) => `images/${p.name}`) } } })).toBe(0);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { LayoutError } from "../errors.ts";
import { SHARED_DATA } from "../testing/index.ts";
import { detectLayout } from "./detect.ts";
import { splitFromFolder } from "./splits.ts";

const tmp = mkdtempSync(join(tmpdir(), "mien-detect-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("detectLayout on the shared data sets", () => {
  it("sees fer2013 as class folders under split folders", async () => {
    const d = await detectLayout(join(SHARED_DATA, "fer2013"));
    expect(d.layout).toBe("class-folders");
    expect(d.csv).toBeUndefined();
  });

  it("finds legend.csv's image and emotion columns and the images/ folder", async () => {
    const d = await detectLayout(join(SHARED_DATA, "facial-expressions"));
    expect(d.layout).toBe("labels-csv");
    expect(d.csv!.columns.header).toEqual(["user.id", "image", "emotion"]);
    expect([d.csv!.columns.image, d.csv!.columns.label]).toEqual([1, 2]);
    expect(d.csv!.imageBase).toBe(join(d.root, "images"));
  });
});

describe("detectLayout errors", () => {
  it("says when the path does not exist", async () => {
    await expect(detectLayout(join(tmp, "nope"))).rejects.toThrow(/does not exist/);
  });

  it("says when a folder holds neither class folders nor a CSV", async () => {
    mkdirSync(join(tmp, "empty"));
    await expect(detectLayout(join(tmp, "empty"))).rejects.toThrow(LayoutError);
  });

  it("refuses a file that is not a CSV", async () => {
    writeFileSync(join(tmp, "x.txt"), "hello");
    await expect(detectLayout(join(tmp, "x.txt"))).rejects.toThrow(/not a \.csv/);
  });

  it("prefers class folders over an unrelated CSV when the folders look like classes", async () => {
    mkdirSync(join(tmp, "mixed", "happy"), { recursive: true });
    writeFileSync(join(tmp, "mixed", "stats.csv"), "a,b\n1,2\n");
    expect((await detectLayout(join(tmp, "mixed"))).layout).toBe("class-folders");
  });
});

describe("splitFromFolder", () => {
  it("knows the usual split folder names", () => {
    expect(
      ["train", "Training", "val", "valid", "validation", "PublicTest", "public test", "test", "PrivateTest", "private_test"].map(splitFromFolder),
    ).toEqual(["train", "train", "val", "val", "val", "val", "val", "test", "test", "test"]);
    expect(splitFromFolder("happy")).toBeNull();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "@mien/env";
import { EXPRESSION_CLASSES } from "@mien/model";

import { DEFAULT_REFERENCE_DIR, referenceDir, referenceInfo } from "./reference.ts";

const tmp = mkdtempSync(join(tmpdir(), "mien-reference-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the screening reference model setting", () => {
  it("defaults to models/fer7-ensemble, takes a folder relative to the repository, and 'none' turns it off", () => {
    expect(referenceDir({})).toBe(DEFAULT_REFERENCE_DIR);
    expect(referenceDir({ MIEN_SCREENING_REFERENCE: "models/default" })).toBe(join(REPO_ROOT, "models", "default"));
    expect(referenceDir({ MIEN_SCREENING_REFERENCE: "none" })).toBeNull();
  });

  it("names the committed reference by its manifest and knows it lacks contempt", () => {
    const info = referenceInfo(DEFAULT_REFERENCE_DIR);
    expect(info.key).toMatch(/^reference:fer7-ensemble:[0-9a-f]{12}$/);
    expect(info.knows).toEqual(EXPRESSION_CLASSES.map((c) => c !== "contempt"));
  });

  it("refuses a folder without a manifest, or one naming none of Mien's classes, saying what to set", () => {
    expect(() => referenceInfo(join(tmp, "missing"))).toThrow(/no readable manifest\.json.*MIEN_SCREENING_REFERENCE/);
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ name: "cats", classes: ["tabby", "siamese"] }));
    expect(() => referenceInfo(tmp)).toThrow(/names none of Mien's expression classes/);
  });

  it("gives a changed manifest a new key, so its probabilities are computed afresh", () => {
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ name: "m", classes: ["happiness"] }));
    const first = referenceInfo(tmp).key;
    writeFileSync(join(tmp, "manifest.json"), JSON.stringify({ name: "m", classes: ["happiness", "neutral"] }));
    expect(referenceInfo(tmp).key).not.toBe(first);
  });
});

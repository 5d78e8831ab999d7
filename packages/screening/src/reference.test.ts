import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { REPO_ROOT } from "@mien/env";
import { EXPRESSION_CLASSES } from "@mien/model";

import { DEFAULT_REFERENCE_DIR, referenceDir, referenceInfo, toCanonical } from "./reference.ts";

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

describe("toCanonical", () => {
  it("moves each model class's column to Mien's order, zero for classes the model lacks, dropping unknown ones", () => {
    // Two rows over a model's own order, with a class Mien does not know ("cat").
    const out = toCanonical([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], ["surprise", "cat", "anger", "happiness"]);
    const at = (row: number, c: (typeof EXPRESSION_CLASSES)[number]) => out[row * EXPRESSION_CLASSES.length + EXPRESSION_CLASSES.indexOf(c)];
    expect(out).toHaveLength(2 * EXPRESSION_CLASSES.length);
    expect([at(0, "surprise"), at(0, "anger"), at(0, "happiness")]).toEqual([0.1, 0.3, 0.4].map(Math.fround));
    expect([at(1, "surprise"), at(1, "anger"), at(1, "happiness")]).toEqual([0.5, 0.7, 0.8].map(Math.fround));
    expect(at(0, "contempt")).toBe(0);
    expect(at(1, "neutral")).toBe(0);
  });

  it("refuses probabilities that are not whole rows over the classes", () => {
    expect(() => toCanonical([0.5, 0.5, 0.1], ["anger", "fear"])).toThrow(/3 probabilities are not rows over 2 classes/);
  });
});

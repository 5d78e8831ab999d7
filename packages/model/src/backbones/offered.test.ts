import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { BACKBONE_IDS, isBackboneId } from "./index.ts";
import { isOfferedBackbone, OFFERED_BACKBONES, offeredBackboneHint } from "./offered.ts";

const MODELS = resolve(fileURLToPath(new URL("../../../../models", import.meta.url)));

/** Every backbone id a manifest names, at the top level or in a member. */
function manifestBackbones(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(manifestBackbones);
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "backbones" && Array.isArray(v) ? v.map((b: unknown) => (typeof b === "string" ? b : (b as { id: string }).id)) : manifestBackbones(v),
  );
}

describe("offered backbones", () => {
  it("are a non-empty subset of the loadable ids, each once, with figures in range", () => {
    expect(OFFERED_BACKBONES.length).toBeGreaterThan(0);
    expect(OFFERED_BACKBONES.length).toBeLessThan(BACKBONE_IDS.length);
    expect(new Set(OFFERED_BACKBONES.map((b) => b.id)).size).toBe(OFFERED_BACKBONES.length);
    for (const b of OFFERED_BACKBONES) {
      expect(isBackboneId(b.id)).toBe(true);
      expect(b.valAccuracy).toBeGreaterThan(1 / 7);
      expect(b.valAccuracy).toBeLessThan(1);
      expect(b.imagesPerSecond).toBeGreaterThan(0);
      expect(offeredBackboneHint(b)).toMatch(/^\d+\.\d% FER2013 val alone, about \d+ images\/s per core\.$/);
    }
  });

  it("refuses unknown ids and ids that are loadable but not offered", () => {
    expect(isOfferedBackbone(OFFERED_BACKBONES[0]!.id)).toBe(true);
    expect(isOfferedBackbone("imagenet-resnet")).toBe(false);
    const notOffered = BACKBONE_IDS.filter((id) => !OFFERED_BACKBONES.some((b) => b.id === id));
    expect(notOffered.length).toBeGreaterThan(0);
    for (const id of notOffered) expect(isOfferedBackbone(id)).toBe(false);
  });

  it("leave every backbone that a shipped model names loadable", () => {
    const named = readdirSync(MODELS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => manifestBackbones(JSON.parse(readFileSync(join(MODELS, d.name, "manifest.json"), "utf8"))));
    expect(named).toContain("faceapi-expression");
    for (const id of named) expect(isBackboneId(id), id).toBe(true);
  });
});

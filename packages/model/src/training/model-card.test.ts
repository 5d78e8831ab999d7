import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { parseArtifactManifest } from "../artifact/manifest.ts";
import { modelCard } from "./model-card.ts";

const MODELS = join(import.meta.dirname, "..", "..", "..", "..", "models");
const manifestOf = (name: string) => parseArtifactManifest(JSON.parse(readFileSync(join(MODELS, name, "manifest.json"), "utf8")));

describe("modelCard", () => {
  it("explains the prior correction of a version that has one, with each class's training share", () => {
    const m = manifestOf("fer7-ensemble-v2");
    expect(m.calibration.priorCorrection?.strength).toBe(0.4);
    const card = modelCard(m);
    expect(card).toContain("40% of the training set's class prior is taken back out");
    expect(card).toContain("disgust 1.4%");
    expect(card).toContain("happiness 25.9%");
    expect(card).toContain("softmax((log-probabilities + b) / T, b = −strength · ln(training share))");
    expect(card).toContain("fits the temperature, the prior correction and");
  });

  it("says nothing of a correction for a version without one", () => {
    const card = modelCard(manifestOf("default"));
    expect(card).not.toMatch(/prior/);
    expect(card).toContain("Probabilities are softmax(log-probabilities / T).");
  });
});

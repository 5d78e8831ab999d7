import { describe, expect, it } from "vitest";

import { FEATURES, parseTextModel, proposalFeatures, readingOf, wordEvidence, type OcrWord, type ProposedLine } from "./text-evidence.ts";
import textModelJson from "./text-model.json" with { type: "json" };
import { THRESHOLDS } from "./thresholds.ts";

/**
 * Shapes measured by text-regions.test.ts: a rendered caption line along the bottom of a 320 px
 * frame, and a proposal on a face's edges in its middle.
 */
const CAPTION: ProposedLine = {
  heightSpread: 0.1,
  baselineSpread: 0.02,
  inkSpread: 0.2,
  inkContrast: 140,
  strokeConsistency: 0.85,
  chars: 8,
  x: 60,
  y: 280,
  width: 200,
  height: 24,
  key: "grey-bright",
  frameWidth: 320,
  frameHeight: 320,
};
const FACE_EDGE: ProposedLine = {
  heightSpread: 0.2,
  baselineSpread: 0.25,
  inkSpread: 0.6,
  inkContrast: 25,
  strokeConsistency: 0.8,
  chars: 3,
  x: 130,
  y: 150,
  width: 40,
  height: 12,
  key: "grey-dark",
  frameWidth: 320,
  frameHeight: 320,
};

const strips = (a: string, aConf: number, b: string, bConf: number, proposal = 0): OcrWord[] => [
  ...a.split(" ").map((text) => ({ text, confidence: aConf, line: 2 * proposal, proposal })),
  ...(b ? b.split(" ").map((text) => ({ text, confidence: bConf, line: 2 * proposal + 1, proposal })) : []),
];

describe("text evidence", () => {
  it("counts letters and digits of words of two or more, weighted by confidence, and nothing for single characters or punctuation", () => {
    expect(wordEvidence("BREAKING", 20)).toBeCloseTo(8 * 0.6);
    expect(wordEvidence("news", 90)).toBeCloseTo(4 * 0.95);
    expect(wordEvidence("a", 99)).toBe(0);
    expect(wordEvidence("=)(", 95)).toBe(0);
    expect(wordEvidence("~~’", 95)).toBe(0);
  });

  it("flags a caption read in both strips, and not a face's fragment read in one", () => {
    const caption = readingOf(strips("BREAKING news", 60, "BREAKINC news", 40), [CAPTION]);
    expect(caption.score).toBeGreaterThanOrEqual(THRESHOLDS.ocrScore);
    expect(caption.text).toMatch(/BREAKING/);
    // What hair and teeth read as: a short word in one strip (text-study plain photos: "fan" 72, "Load" 58).
    expect(readingOf(strips("fan", 72, "", 0), [FACE_EDGE]).score).toBeLessThan(THRESHOLDS.ocrScore);
    expect(readingOf([], []).score).toBe(0);
  });

  it("gives more to the same reading in both strips than in one, and more when the words agree", () => {
    const one = readingOf(strips("SO FROM", 40, "", 0), [CAPTION]).score;
    const both = readingOf(strips("SO FROM", 40, "ta ng", 40), [CAPTION]).score;
    const agreeing = readingOf(strips("SO FROM", 40, "SO FROM", 40), [CAPTION]).score;
    expect(both).toBeGreaterThan(one);
    expect(agreeing).toBeGreaterThan(both);
    const features = proposalFeatures(strips("old", 76, "Old,", 96))[0]!.features;
    expect(features.agreement).toBeGreaterThan(0);
    // Two proposals reading the same fragment are not two strips of one line.
    expect(proposalFeatures([...strips("old", 76, "", 0, 0), ...strips("old", 96, "", 0, 1)]).every((p) => p.features.agreement === 0)).toBe(true);
  });

  it("trusts the same words more on a line shaped like text than on a face's edges", () => {
    const words = strips("Boy", 58, "Boy", 94);
    expect(readingOf(words, [CAPTION]).score).toBeGreaterThan(readingOf(words, [FACE_EDGE]).score);
  });

  it("scores a line nothing was read in by its look and place, and every proposed line, not only those with words", () => {
    expect(proposalFeatures([], [CAPTION, FACE_EDGE])).toHaveLength(2);
    const unread = readingOf([], [CAPTION]).score;
    expect(unread).toBeGreaterThan(readingOf([], [FACE_EDGE]).score);
    // Reading it as words adds to the evidence.
    expect(readingOf(strips("BREAKING news", 60, "BREAKING news", 60), [CAPTION]).score).toBeGreaterThan(unread);
    // Words outside every strip (proposal −1) count for no line.
    expect(proposalFeatures([{ text: "stray", confidence: 90, line: -1, proposal: -1 }], [])).toEqual([]);
  });

  it("refuses a text model that does not fit the features, with a clear message", () => {
    expect(parseTextModel(textModelJson).features).toEqual(FEATURES);
    const model = parseTextModel(textModelJson);
    expect(() => parseTextModel({ ...model, features: FEATURES.slice(1) })).toThrow(
      /does not fit this build's 16 features .*refit it with bench\/text-fit\.ts/,
    );
    expect(() => parseTextModel({ ...model, output: { ...model.output, bias: Number.NaN } })).toThrow(/refit it/);
    expect(() => parseTextModel({ ...model, hidden: { ...model.hidden, kernel: model.hidden.kernel.slice(1) } })).toThrow(/refit it/);
  });
});

/**
 * From what Tesseract read in each proposed line (ocr.ts) and how that line looks (text-regions.ts
 * lineShape) to one text score per image: a small logistic model over per-proposal features,
 * fitted on planted captions and plain corpus photos by bench/text-fit.ts.
 */
import type { LineShape } from "./text-regions.ts";

export interface OcrWord {
  text: string;
  /** Tesseract's confidence, 0–100. */
  confidence: number;
  /** The strip the word was read in (words of one strip count together). */
  line: number;
  /** The text-line proposal that strip was cut from (each proposal gives two or four strips; absent: its own). */
  proposal?: number;
}

export interface TextReading {
  /** Text evidence, 0..1 (see readingOf); 0 when nothing reads as text. */
  score: number;
  /** The words of the most text-like proposal ("" when none). */
  text: string;
}

/** What one proposed line gives the model. */
export interface ProposalFeatures {
  /** Letters read in the proposal's best strip, weighted by confidence (see wordEvidence), over 10. */
  strongStrip: number;
  /** The same in its other strip: a caption reads in both binarisations, a face's fragments seldom do. */
  weakStrip: number;
  /** Words of the two strips that read alike (longest common run of letters), weighted by confidence, over 10. */
  agreement: number;
  /** Line shape (text-regions.ts lineShape); without one, a typical face proposal's values. */
  inkSpread: number;
  /** log(1 + ink contrast) / 5. */
  contrast: number;
  baselineSpread: number;
}

const alnumCount = (text: string) => (text.match(/[\p{L}\p{N}]/gu) ?? []).length;

/**
 * A word counts when it holds 2+ letters or digits and is mostly made of them (single characters
 * and punctuation runs are what faces and hair read as). Each counted character adds 0.5 plus half
 * the word's confidence: a caption is evidence by its length even when the LSTM is unsure of each
 * letter, while faces yield short, isolated fragments (on planted sets the best word's confidence
 * found 62% of captions at 1% false flags, this sum over a line 83%).
 */
export function wordEvidence(text: string, confidence: number): number {
  const t = text.trim();
  const alnum = alnumCount(t);
  if (alnum < 2 || alnum < 0.6 * [...t].length) return 0;
  return alnum * (0.5 + (0.5 * Math.max(0, Math.min(100, confidence))) / 100);
}

/** Length of the longest run two strings share. */
function commonRun(a: string, b: string): number {
  let best = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (i + k < a.length && j + k < b.length && a[i + k] === b[j + k]) k++;
      if (k > best) best = k;
    }
  }
  return best;
}

/** Typical shape of a proposal on a plain face (text-study seed 101 medians), for words without one. */
const NEUTRAL_SHAPE: LineShape = { heightSpread: 0.14, baselineSpread: 0.11, inkSpread: 0.4, inkContrast: 30, strokeConsistency: 0.85 };

/** Features of each proposal that Tesseract read anything in, with its words. */
export function proposalFeatures(words: readonly OcrWord[], shapes: readonly LineShape[] = []): Array<{ features: ProposalFeatures; words: string[] }> {
  const proposals = new Map<number, Array<{ key: string; text: string; line: number; confidence: number; evidence: number }>>();
  for (const w of words) {
    const evidence = wordEvidence(w.text, w.confidence);
    if (evidence === 0) continue;
    const p = w.proposal ?? w.line;
    const list = proposals.get(p) ?? [];
    list.push({
      key: w.text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""),
      text: w.text.trim(),
      line: w.line,
      confidence: w.confidence,
      evidence,
    });
    proposals.set(p, list);
  }
  return [...proposals].map(([p, ws]) => {
    const strips = new Map<number, number>();
    for (const w of ws) strips.set(w.line, (strips.get(w.line) ?? 0) + w.evidence);
    const [strong = 0, weak = 0] = [...strips.values()].sort((a, b) => b - a);
    let agreement = 0;
    for (let i = 0; i < ws.length; i++) {
      for (let j = i + 1; j < ws.length; j++) {
        const a = ws[i]!;
        const b = ws[j]!;
        if (a.line === b.line) continue;
        const run = commonRun(a.key, b.key);
        const similarity = run / Math.max(a.key.length, b.key.length);
        if (run < 2 || similarity < 0.5) continue;
        agreement += run * similarity * (0.5 + (0.5 * Math.min(a.confidence, b.confidence)) / 100);
      }
    }
    const shape = shapes[p] ?? NEUTRAL_SHAPE;
    return {
      features: {
        strongStrip: Math.min(2, strong / 10),
        weakStrip: Math.min(2, weak / 10),
        agreement: Math.min(2, agreement / 10),
        inkSpread: Math.min(2, shape.inkSpread),
        contrast: Math.log1p(shape.inkContrast) / 5,
        baselineSpread: Math.min(2, shape.baselineSpread),
      },
      words: ws.map((w) => w.text),
    };
  });
}

export const FEATURES = ["strongStrip", "weakStrip", "agreement", "inkSpread", "contrast", "baselineSpread"] as const;

export interface TextModel {
  bias: number;
  weights: Record<(typeof FEATURES)[number], number>;
}

/**
 * Fitted by bench/text-fit.ts on text-study dumps of seeds 101, 202, 404, 505, 707 and 808 read
 * with `--read-again always` (every line's four strips, at both heights, as ocr.ts reads an image
 * it is unsure of); THRESHOLDS.ocrScore gives what it finds. Agreement weighs more than in the
 * two-strip model it replaced (4.74 against 2.86): a caption reads alike at two heights. Tried and
 * left out: the glyph count (5 false flags instead of 3 on seed 303), the longest word, the share
 * of words of one case or all digits, a third strip per line cleared outside the glyph boxes
 * (117 ms of CPU per image, no better on seed 404); on the two-strip readings also the glyph
 * heights' and stroke widths' spread, the best word's confidence, letters read per glyph, words
 * read identically in both strips, and the width per letter of the words' boxes (no recall gained
 * at the same false flags on seeds 101, 202 and 404).
 */
export const TEXT_MODEL: TextModel = {
  bias: -4.75,
  weights: { strongStrip: 6.75, weakStrip: 5.11, agreement: 4.74, inkSpread: -0.53, contrast: 1.19, baselineSpread: -1.71 },
};

export function proposalScore(f: ProposalFeatures, model: TextModel = TEXT_MODEL): number {
  const z = FEATURES.reduce((sum, name) => sum + model.weights[name] * f[name], model.bias);
  return 1 / (1 + Math.exp(-z));
}

/**
 * The probability the model gives the most text-like proposal, and that proposal's words. A photo
 * nothing was read in scores 0.
 */
export function readingOf(words: readonly OcrWord[], shapes: readonly LineShape[] = [], model: TextModel = TEXT_MODEL): TextReading {
  let best: TextReading = { score: 0, text: "" };
  for (const p of proposalFeatures(words, shapes)) {
    const score = Math.round(proposalScore(p.features, model) * 1000) / 1000;
    if (score > best.score) best = { score, text: p.words.join(" ").slice(0, 500) };
  }
  return best;
}

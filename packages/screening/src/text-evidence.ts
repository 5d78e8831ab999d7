/**
 * From what Tesseract read in each proposed line (ocr.ts) and how and where that line looks
 * (text-regions.ts lineShape, its place in the frame) to one text score per image: a small neural
 * model (one hidden layer) over per-line features, fitted on planted captions and plain corpus
 * photos by bench/text-fit.ts. Lines nothing was read in count too, by their look and place.
 */
import textModelJson from "./text-model.json" with { type: "json" };
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

/**
 * A proposed line as TextReader.page describes it: its shape (text-regions.ts lineShape), its
 * glyph count, where it lies in the frame the proposals were found in (PROPOSAL_SIDE), and which
 * key found it.
 */
export interface ProposedLine extends LineShape {
  chars: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** "<grey|chroma>-<bright|dark>" (text-regions.ts proposeLines). */
  key: string;
  frameWidth: number;
  frameHeight: number;
}

/** What one proposed line gives the text model; every value is about 0..2. */
export interface ProposalFeatures {
  /** Letters read in the proposal's best strip, weighted by confidence (see wordEvidence), over 10. */
  strongStrip: number;
  /** The same in its next best strip: a caption reads in both binarisations, a face's fragments seldom do. */
  weakStrip: number;
  /** Words of two strips that read alike (longest common run of letters), weighted by confidence, over 10. */
  agreement: number;
  /** Line shape (text-regions.ts lineShape). */
  inkSpread: number;
  /** log(1 + ink contrast) / 5. */
  contrast: number;
  baselineSpread: number;
  heightSpread: number;
  strokeConsistency: number;
  /** log(glyphs chained into the line) / 3. */
  glyphs: number;
  /** How far the line's centre is from the nearer top or bottom edge, over half the frame (0 at the edge, 1 in the middle). */
  edgeY: number;
  /** The same across. */
  edgeX: number;
  /** The line's height over a fifth of the frame's. */
  height: number;
  /** Width over height, over 10 (at most 3). */
  aspect: number;
  /** 1 when the ink is darker than around it (grey-dark key). */
  darkInk: number;
  /** 1 when the ink was found by its colour (chroma key). */
  colourInk: number;
  /** 1 when Tesseract read any counted word in the line. */
  read: number;
}

export const FEATURES = [
  "strongStrip",
  "weakStrip",
  "agreement",
  "inkSpread",
  "contrast",
  "baselineSpread",
  "heightSpread",
  "strokeConsistency",
  "glyphs",
  "edgeY",
  "edgeX",
  "height",
  "aspect",
  "darkInk",
  "colourInk",
  "read",
] as const satisfies readonly (keyof ProposalFeatures)[];

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

/**
 * A typical proposal on a plain face, for words given without their line (tests, callers without
 * shapes): its shape is text-study seed 101's medians, its place the middle of a 320 px frame.
 */
const NEUTRAL_LINE: ProposedLine = {
  heightSpread: 0.14,
  baselineSpread: 0.11,
  inkSpread: 0.4,
  inkContrast: 30,
  strokeConsistency: 0.85,
  chars: 3,
  x: 140,
  y: 150,
  width: 40,
  height: 12,
  key: "grey-dark",
  frameWidth: 320,
  frameHeight: 320,
};

/**
 * Features of every proposed line, with the words read in it. A line Tesseract read nothing in
 * still counts by its look and place; words whose line is not given count on a typical face
 * proposal's.
 */
export function proposalFeatures(words: readonly OcrWord[], lines: readonly ProposedLine[] = []): Array<{ features: ProposalFeatures; words: string[] }> {
  const proposals = new Map<number, Array<{ key: string; text: string; line: number; confidence: number; evidence: number }>>();
  lines.forEach((_, p) => proposals.set(p, []));
  for (const w of words) {
    const p = w.proposal ?? w.line;
    if (p < 0) continue;
    const list = proposals.get(p) ?? [];
    proposals.set(p, list);
    const evidence = wordEvidence(w.text, w.confidence);
    if (evidence === 0) continue;
    list.push({
      key: w.text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, ""),
      text: w.text.trim(),
      line: w.line,
      confidence: w.confidence,
      evidence,
    });
  }
  return [...proposals].flatMap(([p, ws]) => {
    const line = lines[p];
    if (!line && ws.length === 0) return [];
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
    const l = line ?? NEUTRAL_LINE;
    const cy = (l.y + l.height / 2) / l.frameHeight;
    const cx = (l.x + l.width / 2) / l.frameWidth;
    return [
      {
        features: {
          strongStrip: Math.min(2, strong / 10),
          weakStrip: Math.min(2, weak / 10),
          agreement: Math.min(2, agreement / 10),
          inkSpread: Math.min(2, l.inkSpread),
          contrast: Math.log1p(l.inkContrast) / 5,
          baselineSpread: Math.min(2, l.baselineSpread),
          heightSpread: Math.min(2, l.heightSpread),
          strokeConsistency: l.strokeConsistency,
          glyphs: Math.log(Math.max(1, l.chars)) / 3,
          edgeY: 2 * Math.min(cy, 1 - cy),
          edgeX: 2 * Math.min(cx, 1 - cx),
          height: (5 * l.height) / l.frameHeight,
          aspect: Math.min(3, l.width / l.height / 10),
          darkInk: l.key === "grey-dark" ? 1 : 0,
          colourInk: l.key.startsWith("chroma") ? 1 : 0,
          read: ws.length > 0 ? 1 : 0,
        },
        words: ws.map((w) => w.text),
      },
    ];
  });
}

/**
 * The text model: one hidden tanh layer over the features (FEATURES order), then a logistic
 * output. Fitted by bench/text-fit.ts; text-model.json holds the shipped weights and how they were
 * fitted.
 */
export interface TextModel {
  features: readonly string[];
  /** [features][hidden] and [hidden]. */
  hidden: { kernel: number[][]; bias: number[] };
  output: { kernel: number[]; bias: number };
}

let shipped: TextModel | null = null;

/** The shipped model (text-model.json), checked on first use. */
export function shippedTextModel(): TextModel {
  return (shipped ??= parseTextModel(textModelJson));
}

/** Checks a model's shape against FEATURES, so a stale or hand-edited file fails loudly. */
export function parseTextModel(json: unknown): TextModel {
  const m = json as Partial<TextModel>;
  const hidden = m.hidden?.bias?.length ?? 0;
  const ok =
    Array.isArray(m.features) &&
    m.features.join() === FEATURES.join() &&
    hidden > 0 &&
    m.hidden!.kernel?.length === FEATURES.length &&
    m.hidden!.kernel.every((row) => row.length === hidden && row.every(Number.isFinite)) &&
    m.hidden!.bias.every(Number.isFinite) &&
    m.output?.kernel?.length === hidden &&
    m.output.kernel.every(Number.isFinite) &&
    Number.isFinite(m.output.bias);
  if (!ok) throw new Error(`The text model does not fit this build's ${FEATURES.length} features (${FEATURES.join(", ")}); refit it with bench/text-fit.ts.`);
  return m as TextModel;
}

export function proposalScore(f: ProposalFeatures, model: TextModel = shippedTextModel()): number {
  let z = model.output.bias;
  for (let h = 0; h < model.output.kernel.length; h++) {
    let a = model.hidden.bias[h]!;
    for (let i = 0; i < FEATURES.length; i++) a += f[FEATURES[i]!] * model.hidden.kernel[i]![h]!;
    z += Math.tanh(a) * model.output.kernel[h]!;
  }
  return 1 / (1 + Math.exp(-z));
}

/**
 * The probability the model gives the most text-like proposed line, and that line's words. A
 * photo with no proposal scores 0.
 */
export function readingOf(words: readonly OcrWord[], lines: readonly ProposedLine[] = [], model: TextModel = shippedTextModel()): TextReading {
  let best: TextReading = { score: 0, text: "" };
  for (const p of proposalFeatures(words, lines)) {
    const score = Math.round(proposalScore(p.features, model) * 1000) / 1000;
    if (score > best.score) best = { score, text: p.words.join(" ").slice(0, 500) };
  }
  return best;
}

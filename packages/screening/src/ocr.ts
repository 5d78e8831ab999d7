import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import sharp from "sharp";
import { createScheduler, createWorker, OEM, PSM, type Scheduler } from "tesseract.js";

import { readingOf, type OcrWord, type ProposedLine, type TextReading } from "./text-evidence.ts";
import { keyed, lineShape, localMean, planesOf, proposeLines, type LineShape, type Plane, type TextLine } from "./text-regions.ts";

export { readingOf, type OcrWord, type ProposedLine, type TextReading } from "./text-evidence.ts";

/** Proposals are found with the image's longer side at this size (small captions get 2× at 160 px). */
const PROPOSAL_SIDE = 320;
/** Keyed at both contrasts: 28 finds translucent watermarks, 60 keeps letters apart from dark hair next to them. */
const CONTRASTS = [28, 60];
/** Lines read per image, most glyphs first: planted captions rank in the top 3; faces give 0–8 proposals. */
const MAX_LINES = 8;
/** Each line strip is scaled so the line is this tall: Tesseract's LSTM reads 30–50 px text best. */
const LINE_HEIGHT = 40;
/**
 * An image whose first reading scores from RECHECK_FROM up to SURE_FROM is read again: each line's
 * two strips and two more scaled to this height, in one stack, and scored on what that reading
 * gives alone (the text model was fitted on it). At another height Tesseract reads other letters
 * of a small or faint caption ("Big Had": nothing at 40 px, "Bg Hag" at 56), and a caption reads
 * alike at both. A flag is confirmed this way unless the first reading is all but certain: scored
 * on the first reading alone, text-study seeds 303, 909 and 1234 had 8 false flags of 900 plain
 * photos, on the second 5 with the same captions found. On those seeds about half of the images
 * with a proposed line score under RECHECK_FROM, a third from SURE_FROM up, and 15% are read twice.
 */
const RECHECK_HEIGHT = 56;
const RECHECK_FROM = 0.1;
const SURE_FROM = 0.95;
/** Grey levels a strip pixel must stand out from its surroundings to count as ink (the proposals key at 28 and 60 at half this scale). */
const STRIP_CONTRAST = 20;
/** White space between stacked strips, so Tesseract sees separate lines. */
const GAP = 16;
const MAX_STACK_WIDTH = 2400;

export interface Strip {
  line: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Ink as the proposals found it, at the strip's scale: pixels brighter (sign 1) or darker than
 * the mean of a window about one line high, by STRIP_CONTRAST, drawn black on white. Unlike one
 * threshold for the whole strip it keeps an outlined letter's fill apart from its outline and a
 * caption apart from a face that is brighter at one end.
 */
function keyedStrip(up: Uint8Array, width: number, height: number, sign: 1 | -1, lineHeight: number): Uint8Array {
  const plane = { width, height, data: up };
  const ink = keyed(plane, localMean(plane, Math.round(lineHeight / 2)), sign, STRIP_CONTRAST);
  return ink.map((v) => (v ? 0 : 255));
}

/**
 * Two strips per proposed line, both as dark text on white: keyed against the local mean
 * (keyedStrip), and the plain grey, inverted for light text. Each reads some captions the other
 * misses. The keyed strip replaced Otsu on the line's box, which split a bright face from its
 * dark surround instead of the letters from the face (bench/text-study.ts, seed 101, 120
 * captions and 300 plain photos: 79% found with 2 false flags before, 84% with 1 after).
 */
async function stripsOf(lines: readonly TextLine[], planes: Planes, lineHeight: number): Promise<Strip[]> {
  const strips: Strip[] = [];
  for (const [index, l] of lines.entries()) {
    const plane = l.key.startsWith("chroma") ? planes.chroma : planes.grey;
    const padX = Math.round(l.height * 0.6);
    const padY = Math.round(l.height * 0.3);
    const x0 = Math.max(0, l.x - padX);
    const y0 = Math.max(0, l.y - padY);
    const x1 = Math.min(plane.width, l.x + l.width + padX);
    const y1 = Math.min(plane.height, l.y + l.height + padY);
    const cw = x1 - x0;
    const ch = y1 - y0;
    const crop = Buffer.alloc(cw * ch);
    for (let y = 0; y < ch; y++) crop.set(plane.data.subarray((y0 + y) * plane.width + x0, (y0 + y) * plane.width + x1), y * cw);
    const scale = lineHeight / l.height;
    const width = Math.max(8, Math.min(MAX_STACK_WIDTH - 2 * GAP, Math.round(cw * scale)));
    const height = Math.max(8, Math.round(ch * scale));
    const up = new Uint8Array(
      await sharp(crop, { raw: { width: cw, height: ch, channels: 1 } })
        .resize(width, height, { fit: "fill", kernel: "cubic" })
        .toColourspace("b-w")
        .raw()
        .toBuffer(),
    );
    const bright = l.key.endsWith("bright");
    strips.push({ line: index, width, height, pixels: keyedStrip(up, width, height, bright ? 1 : -1, lineHeight) });
    strips.push({ line: index, width, height, pixels: bright ? up.map((v) => 255 - v) : up });
  }
  return strips;
}

/** The strips one under another on white, and where each starts, for one Tesseract call. */
function stack(strips: readonly Strip[]): { png: Promise<Buffer>; tops: number[] } {
  const width = Math.max(...strips.map((s) => s.width)) + 2 * GAP;
  const height = strips.reduce((h, s) => h + s.height + GAP, GAP);
  const canvas = Buffer.alloc(width * height, 255);
  const tops: number[] = [];
  let y = GAP;
  for (const s of strips) {
    tops.push(y);
    for (let r = 0; r < s.height; r++) canvas.set(s.pixels.subarray(r * s.width, (r + 1) * s.width), (y + r) * width + GAP);
    y += s.height + GAP;
  }
  return {
    png: sharp(canvas, { raw: { width, height, channels: 1 } })
      .png({ compressionLevel: 0 })
      .toBuffer(),
    tops,
  };
}

type Planes = { grey: Plane; chroma: Plane };

/** The proposed lines of one image, most glyphs first, with their shapes and the planes they were keyed from (null when nothing looks like text). */
export async function proposalsOf(bytes: Buffer): Promise<{ planes: Planes; lines: TextLine[]; shapes: LineShape[] } | null> {
  const { data, info } = await sharp(bytes, { failOn: "error", autoOrient: true })
    .removeAlpha()
    .toColourspace("srgb")
    .resize({ width: PROPOSAL_SIDE, height: PROPOSAL_SIDE, fit: "inside", kernel: "cubic" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const planes: Planes = planesOf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, info.height);
  const lines = proposeLines(planes, undefined, CONTRASTS)
    .sort((a, b) => b.chars - a.chars)
    .slice(0, MAX_LINES);
  if (lines.length === 0) return null;
  const shapes = lines.map((l) => lineShape(l, l.key.startsWith("chroma") ? planes.chroma : planes.grey));
  return { planes, lines, shapes };
}

/** What Tesseract is given first for one image: the proposed lines' strips stacked into one PNG (null when nothing looks like text). */
export async function ocrPage(bytes: Buffer): Promise<{ png: Buffer; tops: number[]; strips: Strip[]; lines: TextLine[]; shapes: LineShape[] } | null> {
  const proposals = await proposalsOf(bytes);
  if (!proposals) return null;
  const strips = await stripsOf(proposals.lines, proposals.planes, LINE_HEIGHT);
  const { png, tops } = stack(strips);
  return { png: await png, tops, strips, lines: proposals.lines, shapes: proposals.shapes };
}

/** Whether an image is read a second time at RECHECK_HEIGHT: when its first reading is unsure, or always (for fitting the text model). */
export type ReadAgain = "unsure" | "always";

function langPath(): string {
  // @tesseract.js-data/eng ships the trained data in the npm package: nothing is downloaded.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

/**
 * Reads text in images with tesseract.js and its English LSTM model from npm, fully offline.
 * Text-line proposals come first (text-regions.ts): OCR reads only those lines, upscaled and
 * binarised each on its own, stacked into one image per photo. A photo with no proposal costs
 * no OCR at all.
 */
export class TextReader {
  private constructor(
    private readonly scheduler: Scheduler,
    private readonly readAgain: ReadAgain,
  ) {}

  /**
   * `workers` Tesseract threads read images in parallel. `readAgain` "always" reads every image at
   * both line heights in one pass, the readings bench/text-fit.ts fits the text model on.
   */
  static async create(workers = 1, readAgain: ReadAgain = "unsure"): Promise<TextReader> {
    const scheduler = createScheduler();
    try {
      for (let i = 0; i < Math.max(1, workers); i++) {
        // cacheMethod "none": read the language file from the package, never write a copy to the working folder.
        const worker = await createWorker("eng", OEM.LSTM_ONLY, { langPath: langPath(), gzip: true, cacheMethod: "none" });
        // One strip per line, stacked: a uniform block of text lines. A fixed resolution, since the
        // strips carry no DPI, and Tesseract's diagnostics go to /dev/null instead of the log.
        await worker.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK, user_defined_dpi: "300", debug_file: "/dev/null" });
        scheduler.addWorker(worker);
      }
    } catch (error) {
      await scheduler.terminate();
      throw new Error(`Could not start Tesseract with the English data from @tesseract.js-data/eng: ${(error as Error).message}`, { cause: error });
    }
    return new TextReader(scheduler, readAgain);
  }

  /** The words read in one encoded image (any format sharp decodes), each with the proposed line it belongs to. */
  async words(bytes: Buffer): Promise<OcrWord[]> {
    return (await this.page(bytes)).words;
  }

  /** The words read, and the shape of each proposed line (indexed by OcrWord.proposal). */
  async page(bytes: Buffer): Promise<{ words: OcrWord[]; lines: ProposedLine[] }> {
    const proposals = await proposalsOf(bytes);
    if (!proposals) return { words: [], lines: [] };
    const { width: frameWidth, height: frameHeight } = proposals.planes.grey;
    const lines: ProposedLine[] = proposals.lines.map((l, i) => ({
      ...proposals.shapes[i]!,
      chars: l.chars,
      x: l.x,
      y: l.y,
      height: l.height,
      width: l.width,
      key: l.key,
      frameWidth,
      frameHeight,
    }));
    const first = await stripsOf(proposals.lines, proposals.planes, LINE_HEIGHT);
    if (this.readAgain === "unsure") {
      const words = await this.recognise(first);
      const score = readingOf(words, lines).score;
      if (score < RECHECK_FROM || score >= SURE_FROM) return { words, lines };
    }
    // Each line's four strips in one stack, both heights and then the next line, as the text model was fitted on.
    const again = await stripsOf(proposals.lines, proposals.planes, RECHECK_HEIGHT);
    return {
      words: await this.recognise(first.flatMap((s, i) => (i % 2 === 0 ? [s, first[i + 1]!, again[i]!, again[i + 1]!] : []))),
      lines,
    };
  }

  /** The words Tesseract reads in the strips stacked, each with its strip's index and proposed line. */
  private async recognise(strips: readonly Strip[]): Promise<OcrWord[]> {
    const { png, tops } = stack(strips);
    const result = await this.scheduler.addJob("recognize", await png, {}, { blocks: true, text: false });
    const stripAt = (y: number) => tops.findIndex((top, k) => y >= top - GAP / 2 && y < top + strips[k]!.height + GAP / 2);
    return (result.data.blocks ?? []).flatMap((b) =>
      b.paragraphs.flatMap((p) =>
        p.lines.flatMap((l) =>
          l.words.map((w) => {
            const strip = stripAt((w.bbox.y0 + w.bbox.y1) / 2);
            return { text: w.text, confidence: w.confidence, line: strip, proposal: strip < 0 ? -1 : strips[strip]!.line };
          }),
        ),
      ),
    );
  }

  async read(bytes: Buffer): Promise<TextReading> {
    const { words, lines } = await this.page(bytes);
    return readingOf(words, lines);
  }

  async close(): Promise<void> {
    await this.scheduler.terminate();
  }
}

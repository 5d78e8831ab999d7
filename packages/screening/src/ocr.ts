import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { createScheduler, createWorker, OEM, PSM, type Scheduler } from "tesseract.js";

export interface OcrWord {
  text: string;
  /** Tesseract's confidence, 0–100. */
  confidence: number;
}

export interface TextReading {
  /** Text likelihood, 0..1: the best word's confidence, weighted down for words under 5 letters or digits; 0 when none. */
  score: number;
  /** The words kept, most likely first, space-separated ("" when none). */
  text: string;
}

/** Words need this many letters or digits to count as text: faces yield one- and two-letter fragments. */
const MIN_ALNUM = 3;
/** Words below this confidence are noise even when long enough (measured fragments on faces: 16–51). */
const MIN_WORD_CONFIDENCE = 40;
/**
 * A word of this many letters or digits counts in full; shorter ones count in proportion. Teeth
 * and white collars read as confident three-letter "words" ("els" at 85, "Pad" at 65 on the
 * corpus), while captions hold longer words.
 */
const FULL_WORD = 5;

/** Scores what Tesseract read: text is words of 3+ letters or digits that make up most of the word. */
export function readingOf(words: readonly OcrWord[]): TextReading {
  const kept = words
    .map((w) => {
      const text = w.text.trim();
      const alnum = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
      return { text, alnum, confidence: w.confidence, score: (w.confidence / 100) * Math.min(1, alnum / FULL_WORD) };
    })
    .filter((w) => w.alnum >= MIN_ALNUM && w.alnum >= 0.6 * [...w.text].length && w.confidence >= MIN_WORD_CONFIDENCE)
    .sort((a, b) => b.score - a.score);
  return { score: Math.round((kept[0]?.score ?? 0) * 1000) / 1000, text: kept.map((w) => w.text).join(" ").slice(0, 500) };
}

/** Small images are upscaled to this longer side: Tesseract reads text of 20–30 px height best. */
const OCR_SIDE = 400;
/**
 * Captions over photos are mostly white with a dark outline. Tesseract binarises the whole image
 * at once, and a face behind the letters defeats that, so one pass keys out near-white pixels
 * (as dark letters on white); a second reads the plain grey image for dark text on light bars.
 * Measured on the corpus: the keyed pass read 5 of 6 drawn captions the plain pass missed, and
 * neither read text into 200 faces without any.
 */
const BRIGHT_KEY = 200;

function langPath(): string {
  // @tesseract.js-data/eng ships the trained data in the npm package: nothing is downloaded.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

/** Reads text in images with tesseract.js and its English LSTM model from npm, fully offline. */
export class TextReader {
  private constructor(private readonly scheduler: Scheduler) {}

  /** `workers` Tesseract threads read images in parallel. */
  static async create(workers = 1): Promise<TextReader> {
    const scheduler = createScheduler();
    try {
      for (let i = 0; i < Math.max(1, workers); i++) {
        // cacheMethod "none": read the language file from the package, never write a copy to the working folder.
        const worker = await createWorker("eng", OEM.LSTM_ONLY, { langPath: langPath(), gzip: true, cacheMethod: "none" });
        // A fixed resolution: upscaled crops carry no DPI, and Tesseract would warn about it on every image.
        // Its diagnostics ("Detected 6 diacritics") go to /dev/null instead of the screener's log.
        await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, user_defined_dpi: "300", debug_file: "/dev/null" });
        scheduler.addWorker(worker);
      }
    } catch (error) {
      await scheduler.terminate();
      throw new Error(`Could not start Tesseract with the English data from @tesseract.js-data/eng: ${(error as Error).message}`, { cause: error });
    }
    return new TextReader(scheduler);
  }

  /** Reads the words in one encoded image (any format sharp decodes): both passes, keyed then plain. */
  async words(bytes: Buffer): Promise<OcrWord[]> {
    const grey = await sharp(bytes, { failOn: "error", autoOrient: true })
      .greyscale()
      .resize(OCR_SIDE, OCR_SIDE, { fit: "inside" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: grey.info.width, height: grey.info.height, channels: 1 as const } };
    const keyed = await sharp(grey.data, raw).threshold(BRIGHT_KEY).negate().png({ compressionLevel: 0 }).toBuffer();
    const plain = await sharp(grey.data, raw).png({ compressionLevel: 0 }).toBuffer();
    const passes = await Promise.all([keyed, plain].map((png) => this.scheduler.addJob("recognize", png, {}, { blocks: true, text: false })));
    return passes.flatMap((result) =>
      (result.data.blocks ?? []).flatMap((b) =>
        b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words.map((w) => ({ text: w.text, confidence: w.confidence })))),
      ),
    );
  }

  async read(bytes: Buffer): Promise<TextReading> {
    return readingOf(await this.words(bytes));
  }

  async close(): Promise<void> {
    await this.scheduler.terminate();
  }
}

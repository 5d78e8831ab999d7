import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import sharp from "sharp";

import { CAPTION_KINDS, drawCaption, randomCaption } from "./captions.ts";
import { BLUR_SIGMAS, blurred, DUPLICATE_EDITS, nearDuplicate, NO_FACE_KINDS, noFace, SEVERAL_FACES, severalFaces } from "./edits.ts";
import { fontsOf, registerFonts, type FontPool } from "./fonts.ts";
import { Random } from "./random.ts";

export type Signal = "text" | "duplicate" | "blur" | "no_face" | "several_faces";

/** One planted image and what screening should say about it; plain photos carry no signal. */
export interface PlantedCase {
  file: string;
  signal: Signal | "plain";
  condition: string;
  /** Near-duplicates: the name shared by the original and its copy. */
  pair?: string;
  /** For the report on misses: the caption drawn, and its font. */
  note?: string;
}

export interface PlantOptions {
  seed: number;
  /** Cases per condition (per caption kind, per edit, per blur strength…). */
  perCondition: number;
  plain: number;
  fonts: FontPool;
}

/**
 * Writes a planted set of real corpus photos as one class folder under `root`: plain photos, and
 * for every signal its conditions. Every source photo is used once, so the only near-duplicates
 * are the planted pairs (and whatever the corpus itself repeats).
 */
export async function plantSet(corpus: string, root: string, o: PlantOptions): Promise<PlantedCase[]> {
  registerFonts();
  const rng = new Random(o.seed);
  const images = join(corpus, "images");
  const all = readdirSync(images).sort();
  const sources = rng.shuffle(all);
  let next = 0;
  const take = () => {
    const name = sources[next++];
    if (!name) throw new Error(`The corpus at ${images} has too few images for this planted set.`);
    return readFileSync(join(images, name));
  };
  /** Blur is defined on 160 px faces: skip sources of other sizes. */
  const take160 = async () => {
    for (;;) {
      const bytes = take();
      const { width, height } = await sharp(bytes).metadata();
      if (width === 160 && height === 160) return bytes;
    }
  };
  const dir = join(root, "neutral");
  mkdirSync(dir, { recursive: true });
  const cases: PlantedCase[] = [];
  const put = (c: PlantedCase, bytes: Buffer) => {
    writeFileSync(join(dir, c.file), bytes);
    cases.push(c);
  };

  for (let i = 0; i < o.plain; i++) put({ file: `plain-${i}.jpg`, signal: "plain", condition: "plain" }, take());
  const fonts = fontsOf(o.fonts);
  for (const kind of CAPTION_KINDS) {
    for (let i = 0; i < o.perCondition; i++) {
      const { bytes, caption } = await drawCaption(rng, take(), randomCaption(rng, kind, fonts));
      put({ file: `text-${kind}-${i}.jpg`, signal: "text", condition: kind, note: `${caption.family}: ${caption.text}` }, bytes);
    }
  }
  for (const edit of DUPLICATE_EDITS) {
    for (let i = 0; i < o.perCondition; i++) {
      const original = take();
      const pair = `dup-${edit}-${i}`;
      put({ file: `${pair}-a.jpg`, signal: "duplicate", condition: edit, pair }, original);
      put({ file: `${pair}-b.jpg`, signal: "duplicate", condition: edit, pair }, await nearDuplicate(rng, original, edit));
    }
  }
  for (const sigma of BLUR_SIGMAS) {
    for (let i = 0; i < o.perCondition; i++)
      put({ file: `blur-${sigma}-${i}.jpg`, signal: "blur", condition: `sigma ${sigma}` }, await blurred(rng, await take160(), sigma));
  }
  for (const kind of NO_FACE_KINDS) {
    for (let i = 0; i < o.perCondition; i++) put({ file: `noface-${kind}-${i}.jpg`, signal: "no_face", condition: kind }, await noFace(rng, kind, take()));
  }
  for (const count of SEVERAL_FACES) {
    for (let i = 0; i < o.perCondition; i++) {
      put(
        { file: `faces-${count}-${i}.jpg`, signal: "several_faces", condition: `${count} faces` },
        await severalFaces(
          rng,
          Array.from({ length: count }, () => take()),
        ),
      );
    }
  }
  return cases;
}

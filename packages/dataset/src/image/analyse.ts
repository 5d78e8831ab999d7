import { createHash } from "node:crypto";

import sharp, { type OutputInfo } from "sharp";

import { resizeGray } from "../pixels/resize.ts";
import { BLUR_SIZE, blurScore } from "../signals/blur.ts";
import { contrast } from "../signals/contrast.ts";
import { cropHashes, phash } from "../signals/phash.ts";
import { describeUnsupported, FORMAT_INFO, sniffFormat, type ImageFormat } from "./format.ts";
import { headerSize } from "./header-size.ts";
import { decodeSimpleJpeg, simpleJpegSize, type RawPixels } from "./simple-jpeg.ts";

// Many small concurrent decodes beat a few multi-threaded ones: parallelism comes from the import's worker pool.
sharp.concurrency(1);
// Every input is new, so libvips' operation cache would only cost lookups and memory.
sharp.cache(false);

export const THUMB_SIZE = 128;
/**
 * An original this small serves as its own thumbnail, with no second file: a 160 px corpus JPEG
 * (median 4.3 KB) weighs about what its 128 px WebP would, and encoding that WebP cost 2.2 ms of
 * CPU per image, half the import's whole budget.
 */
export const OWN_THUMB_SIDE = 160;
export const OWN_THUMB_BYTES = 16_384;
export const DEFAULT_MAX_PIXELS = 40_000_000;
/** Longest side accepted: a pixel limit alone lets through shapes like 100000×50, which no face photo has. */
export const MAX_SIDE = 16_384;
// Decode at most this size: enough for a 128 px thumbnail and 64 px signals, and JPEG shrink-on-load makes big photos cheap.
const WORKING_SIZE = 512;

export type ImageRejection = "not-an-image" | "corrupt-image" | "too-many-pixels" | "too-wide-or-tall";

/** An image file that cannot be imported, with the reason for the report. */
export class ImageRejectedError extends Error {
  constructor(
    readonly reason: ImageRejection,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "ImageRejectedError";
  }
}

export interface ImageAnalysis {
  sha256: string;
  format: ImageFormat;
  ext: string;
  mimeType: string;
  /** Displayed size, after EXIF orientation. */
  width: number;
  height: number;
  /** A 128 px WebP, or null when the original is small enough to be shown as its own thumbnail. */
  thumbnail: Buffer | null;
  phash: bigint;
  /** pHashes of crops a few per cent smaller, so cropped copies can be found (see cropHashes). */
  phashCrops: bigint[];
  blurScore: number;
  contrast: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Everything the library stores about one image, from a single decode: the
 * decoded pixels feed the thumbnail and all three signals. Small plain JPEGs
 * (most data sets) are decoded in JS and, up to OWN_THUMB_SIDE, need no
 * thumbnail: no sharp call at all. Others take two sharp calls (decode;
 * resize + WebP encode). The small grey working image is made in JS.
 */
export async function analyseImage(bytes: Buffer, options: { maxPixels?: number; sha256?: string } = {}): Promise<ImageAnalysis> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  // Sniffed, not taken from the name, and before sharp sees it: SVG, PDF and the like are never rendered.
  const format = sniffFormat(bytes);
  if (!format) throw new ImageRejectedError("not-an-image", describeUnsupported(bytes));
  // From the header, before sharp allocates anything. TIFF and AVIF sizes come from sharp's header reader;
  // a plain WebP cannot exceed 16383 px. A header too broken to read is left to the decoder to reject.
  const unread = format === "tiff" || format === "avif";
  const declared =
    headerSize(bytes, format) ??
    (unread
      ? await sharp(bytes, { limitInputPixels: false })
          .metadata()
          .catch(() => null)
      : null);
  if (declared?.width && declared.height) {
    if (declared.width * declared.height > maxPixels) throw tooManyPixels(declared.width, declared.height, maxPixels);
    checkSides(declared.width, declared.height);
  }

  const pixels = decodeSimple(bytes, format) ?? (await decodeWithSharp(bytes, maxPixels));
  const { data, channels } = pixels;
  const { width, height } = pixels;

  // One 64×64 grey working image feeds all three signals.
  const small = resizeGray(data, pixels.decodedWidth, pixels.decodedHeight, channels, BLUR_SIZE, BLUR_SIZE);
  let thumbnail: Buffer | null = null;
  if (!(pixels.simple && Math.max(width, height) <= OWN_THUMB_SIDE && bytes.length <= OWN_THUMB_BYTES)) {
    try {
      // The thumbnail is resized by sharp on its encoder thread: cheaper than JS on the (busy) main thread.
      thumbnail = await sharp(data, { raw: { width: pixels.decodedWidth, height: pixels.decodedHeight, channels } })
        // Bilinear: ~15% cheaper than the default Lanczos, and no visible difference at 128 px.
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: "inside", withoutEnlargement: true, kernel: "linear" })
        .webp({ quality: 80, effort: 0 })
        .toBuffer();
    } catch (err) {
      throw new Error(`Could not encode the thumbnail: ${(err as Error).message}`, { cause: err });
    }
  }

  return {
    sha256: options.sha256 ?? sha256Hex(bytes),
    format,
    ...FORMAT_INFO[format],
    width,
    height,
    thumbnail,
    phash: phash(small, BLUR_SIZE, BLUR_SIZE),
    phashCrops: cropHashes(small, BLUR_SIZE),
    blurScore: blurScore(small, BLUR_SIZE, BLUR_SIZE),
    contrast: contrast(small),
  };
}

function tooManyPixels(width: number, height: number, maxPixels: number): ImageRejectedError {
  const mp = (n: number) => `${(n / 1e6).toFixed(1)} MP`;
  return new ImageRejectedError(
    "too-many-pixels",
    `${width}×${height} (${mp(width * height)}) is over the ${mp(maxPixels)} limit that guards against decompression bombs; raise maxPixels if the image is genuine`,
  );
}

function checkSides(width: number, height: number): void {
  if (width > MAX_SIDE || height > MAX_SIDE) {
    throw new ImageRejectedError("too-wide-or-tall", `${width}×${height} has a side over the ${MAX_SIDE} px limit; crop or resize the image`);
  }
}

async function rejection(bytes: Buffer, err: Error, maxPixels: number): Promise<ImageRejectedError> {
  const message = err.message.split("\n")[0] ?? String(err);
  if (/pixel limit/i.test(message)) {
    const meta = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .catch(() => null);
    return tooManyPixels(meta?.width ?? NaN, meta?.height ?? NaN, maxPixels);
  }
  if (/unsupported image format/i.test(message)) return new ImageRejectedError("not-an-image", describeUnsupported(bytes));
  return new ImageRejectedError("corrupt-image", `could not decode: ${message}`);
}

interface Decoded {
  data: Uint8Array;
  channels: 1 | 2 | 3 | 4;
  /** The decoded buffer's size (possibly shrunk while decoding). */
  decodedWidth: number;
  decodedHeight: number;
  /** Displayed size, after EXIF orientation. */
  width: number;
  height: number;
  /** Decoded in JS: a plain, unrotated, complete JPEG (see simple-jpeg.ts). */
  simple: boolean;
}

/** Small plain JPEGs in JS; null sends the image to sharp, which also judges anything jpeg-js finds wrong. */
function decodeSimple(bytes: Buffer, format: ImageFormat): Decoded | null {
  if (format !== "jpeg" || !simpleJpegSize(bytes)) return null;
  let raw: RawPixels;
  try {
    raw = decodeSimpleJpeg(bytes);
  } catch {
    return null;
  }
  return { data: raw.data, channels: raw.channels, decodedWidth: raw.width, decodedHeight: raw.height, width: raw.width, height: raw.height, simple: true };
}

async function decodeWithSharp(bytes: Buffer, maxPixels: number): Promise<Decoded> {
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // limitInputPixels makes sharp refuse from the header, before any pixel is decoded.
    decoded = await sharp(bytes, { limitInputPixels: maxPixels, failOn: "error", autoOrient: true })
      .resize(WORKING_SIZE, WORKING_SIZE, { fit: "inside", withoutEnlargement: true })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw await rejection(bytes, err as Error, maxPixels);
  }
  const { data, info } = decoded;
  let { width, height } = info;
  if (Math.max(width, height) >= WORKING_SIZE) {
    // Possibly shrunk while decoding: the header has the real size. Rare, so the extra call is fine.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    ({ width, height } = meta.autoOrient ?? meta);
    checkSides(width, height);
  }
  return { data, channels: info.channels as 1 | 2 | 3 | 4, decodedWidth: info.width, decodedHeight: info.height, width, height, simple: false };
}

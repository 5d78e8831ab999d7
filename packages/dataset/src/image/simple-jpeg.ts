import jpeg from "jpeg-js";

/**
 * Longest side decoded in JS. Above it libvips' shrink-on-load wins; below it sharp's fixed cost
 * per call dominates (measured with the training run sharing both cores: a 48×48 JPEG took
 * 1.9 ms of CPU through sharp and 0.28 ms through jpeg-js; a 160×160 one 2.5 ms and 1.1 ms).
 */
export const SIMPLE_JPEG_MAX_SIDE = 256;

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/**
 * The size of a JPEG that jpeg-js can decode exactly as libvips would, or null for anything else
 * (which then goes to sharp, so every refusal and odd case is sharp's to judge): baseline or
 * progressive, 8-bit, grey or YCbCr (no Adobe/CMYK), no EXIF rotation, and complete (ends in EOI,
 * so a truncated file is never half-decoded here).
 */
export function simpleJpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  const n = bytes.length;
  if (n < 4 || bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 2;
  while (i + 4 <= n) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const length = view.getUint16(i + 2);
    if (i + 2 + length > n) return null;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (length < 8) return null;
      const precision = bytes[i + 4]!;
      const height = view.getUint16(i + 5);
      const width = view.getUint16(i + 7);
      const components = bytes[i + 9]!;
      if (precision !== 8 || (components !== 1 && components !== 3) || !width || !height) return null;
      if (Math.max(width, height) > SIMPLE_JPEG_MAX_SIDE) return null;
      return { width, height };
    }
    // Any other frame type (lossless, arithmetic, hierarchical): sharp's.
    if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return null;
    if (marker === 0xee) return null; // Adobe APP14: colour transforms jpeg-js may not apply as libjpeg does
    if (marker === 0xe1 && exifOrientation(bytes, view, i + 4, length - 2) > 1) return null;
    if (marker === 0xda || marker === 0xd9) return null;
    i += 2 + length;
  }
  return null;
}

/** The EXIF orientation tag (1–8) in an APP1 segment, 1 when absent. */
function exifOrientation(bytes: Uint8Array, view: DataView, start: number, length: number): number {
  if (length < 14 || String.fromCharCode(...bytes.subarray(start, start + 4)) !== "Exif") return 1;
  const tiff = start + 6;
  const little = bytes[tiff] === 0x49;
  const end = start + length;
  const u16 = (at: number) => (at + 2 <= end ? view.getUint16(at, little) : 0);
  const u32 = (at: number) => (at + 4 <= end ? view.getUint32(at, little) : 0);
  const ifd = tiff + u32(tiff + 4);
  const entries = u16(ifd);
  for (let e = 0; e < entries; e++) {
    const at = ifd + 2 + e * 12;
    if (at + 12 > end) break;
    if (u16(at) === 0x0112) return u16(at + 8) || 1;
  }
  return 1;
}

/** Decodes a JPEG accepted by simpleJpegSize to RGB; throws on anything jpeg-js finds wrong. */
export function decodeSimpleJpeg(bytes: Uint8Array): RawPixels {
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: 1, maxMemoryUsageInMB: 16 });
  return { data: image.data, width: image.width, height: image.height, channels: 3 };
}

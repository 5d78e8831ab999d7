import type { ImageFormat } from "./format.ts";

export interface HeaderSize {
  width: number;
  height: number;
}

/**
 * Width and height as the file's header declares them, read from the bytes without decoding, so
 * absurd shapes can be refused before any pixel memory is allocated. Null when the format's size
 * is not read here (TIFF, AVIF, plain WebP: sharp's metadata reads those) or the header is cut short.
 */
export function headerSize(bytes: Uint8Array, format: ImageFormat): HeaderSize | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  switch (format) {
    case "png":
      // The signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
      return bytes.length >= 24 && ascii(12, 16) === "IHDR" ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
    case "gif":
      return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
    case "webp":
      // Only the extended format (VP8X) can declare a canvas beyond WebP's 16383 px.
      if (bytes.length < 30 || ascii(12, 16) !== "VP8X") return null;
      return { width: 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)), height: 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)) };
    case "jpeg":
      return jpegSize(bytes, view);
    default:
      return null;
  }
}

/** Walks the JPEG markers up to the first start-of-frame, which holds the size. */
function jpegSize(bytes: Uint8Array, view: DataView): HeaderSize | null {
  let i = 2;
  while (i + 9 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(i + 5), width: view.getUint16(i + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or the end before any frame header
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    i += 2 + view.getUint16(i + 2);
  }
  return null;
}

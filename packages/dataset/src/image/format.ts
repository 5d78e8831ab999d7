/** Raster formats the importer accepts, told apart by their first bytes rather than the file name. */
export type ImageFormat = "jpeg" | "png" | "webp" | "gif" | "tiff" | "avif";

export const FORMAT_INFO: Record<ImageFormat, { ext: string; mimeType: string }> = {
  jpeg: { ext: "jpg", mimeType: "image/jpeg" },
  png: { ext: "png", mimeType: "image/png" },
  webp: { ext: "webp", mimeType: "image/webp" },
  gif: { ext: "gif", mimeType: "image/gif" },
  tiff: { ext: "tiff", mimeType: "image/tiff" },
  avif: { ext: "avif", mimeType: "image/avif" },
};

/** File-name extensions worth opening as images (anything else in a class folder is reported, not read). */
export const IMAGE_EXTENSIONS = new Set(["jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "tif", "tiff", "avif", "bmp", "heic", "heif"]);

export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  const b = bytes;
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length < 12) return null;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b[0] === 0x89 && ascii(1, 4) === "PNG" && b[4] === 0x0d && b[5] === 0x0a) return "png";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "gif";
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)) return "tiff";
  if (ascii(4, 8) === "ftyp" && ["avif", "avis"].includes(ascii(8, 12))) return "avif";
  return null;
}

/** A short human name for bytes we refuse, for the import report. */
export function describeUnsupported(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, 12));
  if (bytes.length === 0) return "the file is empty";
  if (head.startsWith("BM")) return "BMP is not supported; convert it to PNG";
  // Local file header, or the end record of an empty archive.
  if (head.startsWith("PK\x03\x04") || head.startsWith("PK\x05\x06"))
    return "it is a ZIP archive; archives are not unpacked, so extract it into the import folder first";
  if (head.slice(4, 8) === "ftyp") return `${head.slice(8, 12).trim() || "ISO media"} files are not supported; convert to JPEG or PNG`;
  if (/^\s*</.test(head)) return "it looks like SVG/HTML/XML text, not a raster image";
  if ([...bytes.subarray(0, 64)].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) return "it looks like a text file";
  return "its contents are not a JPEG, PNG, WebP, GIF, TIFF or AVIF image";
}

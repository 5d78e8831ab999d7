// Real files for tests: faces from the shared corpus, and bad files made on the spot.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { deflateSync } from "node:zlib";

/** ../shared/data from the repository root, as the data README says (found by walking up, so nested worktrees work too). */
export const SHARED_DATA = findSharedData(resolve(import.meta.dirname, "..", "..", "..", ".."));

function findSharedData(repoRoot: string): string {
  for (let dir = dirname(repoRoot); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "shared", "data"))) return join(dir, "shared", "data");
  }
  return join(dirname(repoRoot), "shared", "data");
}
export const FACES_DIR = join(SHARED_DATA, "facial-expressions", "images");

let faceNames: string[] | null = null;

/** `count` real face JPEGs with distinct contents, in a stable order, skipping the first `offset`. */
export function faces(count: number, offset = 0): Array<{ name: string; bytes: Buffer }> {
  faceNames ??= readdirSync(FACES_DIR).sort();
  const seen = new Set<string>();
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const name of faceNames) {
    const bytes = readFileSync(join(FACES_DIR, name));
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (seen.has(sha)) continue;
    seen.add(sha);
    if (seen.size <= offset) continue;
    out.push({ name, bytes });
    if (out.length === count) break;
  }
  return out;
}

export function writeFile(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A valid PNG of width×height black pixels (1-bit grey), the classic
 * decompression bomb: 20000×20000 is 400 MP yet the file is ~50 KB.
 */
export function bombPng(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // filter byte 0 + zero bits per row
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

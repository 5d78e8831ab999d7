import { readdir } from "node:fs/promises";
import { join } from "node:path";

import sharp from "sharp";

import { normalizeLabel, type ExpressionClass } from "../../src/classes.ts";
import type { PixelImage } from "../../src/preprocess.ts";

export interface LabelledFile {
  /** Path relative to the dataset root, e.g. "happy/Training_1.jpg". */
  path: string;
  label: ExpressionClass;
}

const IMAGE_EXT = /\.(jpe?g|png|webp|bmp)$/i;

/** Lists a `<root>/<class>/<image>` dataset in a stable (sorted) order. */
export async function listClassFolders(root: string): Promise<LabelledFile[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const out: LabelledFile[] = [];
  for (const dir of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const label = normalizeLabel(dir.name);
    if (!label) throw new Error(`Folder "${dir.name}" in ${root} is not a known expression class; rename it or remove it.`);
    const files = (await readdir(join(root, dir.name))).filter((f) => IMAGE_EXT.test(f)).sort();
    for (const f of files) out.push({ path: `${dir.name}/${f}`, label });
  }
  if (out.length === 0) throw new Error(`No images found under ${root}/<class>/.`);
  return out;
}

/** Decodes an image file to raw pixels; gray files stay 1-channel, others become RGB. */
export async function decodeImage(file: string): Promise<PixelImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const channels = info.channels === 1 || info.channels === 3 ? info.channels : undefined;
  if (!channels) throw new Error(`${file} decoded to ${info.channels} channels; expected gray or RGB.`);
  return { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Decodes many files with a small amount of concurrency (sharp uses its own threads). */
export async function decodeAll(root: string, files: readonly LabelledFile[], concurrency = 8): Promise<PixelImage[]> {
  const out = new Array<PixelImage>(files.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const i = next++;
      out[i] = await decodeImage(join(root, files[i]!.path));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

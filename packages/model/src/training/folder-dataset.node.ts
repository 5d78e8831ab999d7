import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import sharp from "sharp";

import { normalizeLabel } from "../classes.ts";
import type { Split, TrainingImage } from "./recipe.ts";

const IMAGE_EXT = /\.(jpe?g|png|webp|bmp)$/i;
const SPLITS: Record<string, Split> = { train: "train", val: "val", validation: "val", test: "test" };

export interface FolderImage extends TrainingImage {
  /** Absolute path. */
  path: string;
  /** 1 for gray files. */
  channels: number;
}

/**
 * A `<root>/<split>/<class>/<image>` data set (e.g. ../shared/data/fer2013) as training images,
 * each identified by the sha256 of its bytes, as the importer identifies images. Folder names
 * go through the class synonyms ("happy" → happiness); unknown folders are an error.
 */
export async function listFolderDataset(root: string): Promise<FolderImage[]> {
  const abs = resolve(root);
  const splitDirs = (await readdir(abs, { withFileTypes: true })).filter((d) => d.isDirectory() && SPLITS[d.name.toLowerCase()]);
  if (!splitDirs.length) throw new Error(`${abs} has no train/val/test folders; expected <root>/<split>/<class>/<image>.`);
  const out: FolderImage[] = [];
  const seen = new Set<string>();
  // Evaluation splits first: an image in two splits (same bytes) stays in test or val, as the importer keeps it.
  const order: Record<Split, number> = { test: 0, val: 1, train: 2 };
  for (const splitDir of splitDirs.sort((a, b) => order[SPLITS[a.name.toLowerCase()]!] - order[SPLITS[b.name.toLowerCase()]!])) {
    const split = SPLITS[splitDir.name.toLowerCase()]!;
    for (const classDir of (await readdir(join(abs, splitDir.name), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const label = normalizeLabel(classDir.name);
      if (!label) throw new Error(`Folder "${classDir.name}" in ${join(abs, splitDir.name)} is not a known expression class; rename or remove it.`);
      const dir = join(abs, splitDir.name, classDir.name);
      const names = (await readdir(dir)).filter((f) => IMAGE_EXT.test(f)).sort();
      for (let i = 0; i < names.length; i += 64) {
        const chunk = await Promise.all(
          names.slice(i, i + 64).map(async (name) => {
            const path = join(dir, name);
            const bytes = await readFile(path);
            const meta = await sharp(bytes).metadata();
            return { path, sha256: createHash("sha256").update(bytes).digest("hex"), label, split, channels: meta.channels ?? 3 };
          }),
        );
        // An image present twice (same bytes) counts once.
        for (const image of chunk) {
          if (seen.has(image.sha256)) continue;
          seen.add(image.sha256);
          out.push(image);
        }
      }
    }
  }
  return out;
}

/** A single `<root>/<class>/<image>` folder (e.g. fer2013/val) as labelled files. */
export async function listClassFolder(root: string): Promise<Array<{ path: string; label: NonNullable<ReturnType<typeof normalizeLabel>> }>> {
  const abs = resolve(root);
  const out: Array<{ path: string; label: NonNullable<ReturnType<typeof normalizeLabel>> }> = [];
  const dirs = (await readdir(abs, { withFileTypes: true })).filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
  if (!dirs.length) throw new Error(`${abs} has no class folders; expected <dir>/<class>/<image>.`);
  for (const d of dirs) {
    const label = normalizeLabel(d.name);
    if (!label) throw new Error(`Folder "${d.name}" in ${abs} is not a known expression class; rename or remove it.`);
    for (const name of (await readdir(join(abs, d.name))).filter((f) => IMAGE_EXT.test(f)).sort()) out.push({ path: join(abs, d.name, name), label });
  }
  if (!out.length) throw new Error(`No images under ${abs}/<class>/.`);
  return out;
}

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import sharp from "sharp";

import { ICONS } from "../src/offline/manifest.ts";

/**
 * The app's PNG icons, drawn from src/offline/icon.svg. Run `pnpm --filter @mien/web icons` after
 * changing the SVG and commit the PNGs; make-icons.test.ts fails while they differ from the SVG.
 */
const WEB = join(import.meta.dirname, "..");
export const ICON_SVG = join(WEB, "src", "offline", "icon.svg");
export const ICON_DIR = join(WEB, "public", "icons");

/** The SVG's own size: rendered at 72 dpi it is this many pixels wide. */
const SVG_SIZE = 512;

/** "any" icons get rounded corners; maskable ones stay full bleed, since the platform cuts its own shape. */
function cornerMask(size: number): Buffer {
  const r = Math.round(size * 0.2);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="${size}" height="${size}" rx="${r}" ry="${r}"/></svg>`,
  );
}

export async function renderIcon(svg: Buffer, icon: (typeof ICONS)[number]): Promise<Buffer> {
  const image = sharp(svg, { density: (72 * icon.size) / SVG_SIZE }).resize(icon.size, icon.size);
  const shaped = icon.purpose === "any" ? image.composite([{ input: cornerMask(icon.size), blend: "dest-in" }]) : image;
  return shaped.png({ compressionLevel: 9 }).toBuffer();
}

async function main(): Promise<void> {
  const svg = await readFile(ICON_SVG);
  for (const icon of ICONS) {
    const png = await renderIcon(svg, icon);
    await writeFile(join(ICON_DIR, icon.file), png);
    console.log(`public/icons/${icon.file}: ${icon.size}×${icon.size}, ${icon.purpose}, ${png.length} bytes`);
  }
}

if (process.argv[1] === import.meta.filename) await main();

import { readFile } from "node:fs/promises";
import { join } from "node:path";

import sharp from "sharp";
import { describe, expect, it } from "vitest";

import { coachManifest, ICONS } from "../src/offline/manifest.ts";
import { ICON_DIR, ICON_SVG, renderIcon } from "./make-icons.ts";

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Alpha of the pixel at (x, y). */
const alpha = (p: { data: Buffer; width: number }, x: number, y: number) => p.data[(y * p.width + x) * 4 + 3]!;

describe("the app's icons", () => {
  it.each(ICONS)("public/icons/$file is a $size px PNG drawn from the current icon.svg", async (icon) => {
    const committed = await readFile(join(ICON_DIR, icon.file));
    const meta = await sharp(committed).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", icon.size, icon.size]);
    const fresh = await pixels(await renderIcon(await readFile(ICON_SVG), icon));
    const stored = await pixels(committed);
    let worst = 0;
    for (let i = 0; i < fresh.data.length; i++) worst = Math.max(worst, Math.abs(fresh.data[i]! - stored.data[i]!));
    // Not byte-equal (encoders differ between sharp builds), but the same picture: run `pnpm --filter @mien/web icons` if not.
    expect(worst, `${icon.file} is not what icon.svg draws now`).toBeLessThanOrEqual(8);
  });

  it("keeps maskable icons full bleed and rounds the corners of the others", async () => {
    for (const icon of ICONS) {
      const p = await pixels(await readFile(join(ICON_DIR, icon.file)));
      expect(alpha(p, 0, 0), icon.file).toBe(icon.purpose === "maskable" ? 255 : 0);
      expect(alpha(p, icon.size >> 1, icon.size >> 1), icon.file).toBe(255);
    }
  });

  it("are the icons the manifest lists, with the sizes an install needs (192 and 512 px, and a maskable one)", () => {
    expect(coachManifest.icons).toEqual([
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ]);
    expect(coachManifest).toMatchObject({ start_url: "/coach", scope: "/coach", display: "standalone" });
  });
});

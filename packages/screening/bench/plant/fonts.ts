import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A font family captions are drawn in, and whether it has a real bold face. */
export interface FontFamily {
  family: string;
  /** npm package holding the TTF files (registered with fontconfig); absent for system fonts. */
  pkg?: string;
  bold: boolean;
}

/**
 * Fonts for planted captions: the system's DejaVu faces plus OFL fonts shipped as TTF in
 * npm packages (@expo-google-fonts/*), so every machine plants the same glyphs. Two pools, so
 * text detection can be tuned on some faces and checked on others it never saw.
 */
export const FONT_POOLS: Record<"tune" | "holdout", FontFamily[]> = {
  tune: [
    { family: "DejaVu Sans", bold: true },
    { family: "DejaVu Serif", bold: true },
    { family: "Anton", pkg: "@expo-google-fonts/anton", bold: false },
    { family: "Roboto", pkg: "@expo-google-fonts/roboto", bold: true },
    { family: "Merriweather", pkg: "@expo-google-fonts/merriweather", bold: true },
    { family: "Permanent Marker", pkg: "@expo-google-fonts/permanent-marker", bold: false },
    { family: "Courier Prime", pkg: "@expo-google-fonts/courier-prime", bold: true },
    { family: "Lobster", pkg: "@expo-google-fonts/lobster", bold: false },
  ],
  holdout: [
    { family: "DejaVu Sans Mono", bold: true },
    { family: "DejaVu Sans Condensed", bold: true },
    { family: "Oswald", pkg: "@expo-google-fonts/oswald", bold: true },
    { family: "Bangers", pkg: "@expo-google-fonts/bangers", bold: false },
    { family: "Bebas Neue", pkg: "@expo-google-fonts/bebas-neue", bold: false },
    { family: "Caveat", pkg: "@expo-google-fonts/caveat", bold: true },
    { family: "Comic Neue", pkg: "@expo-google-fonts/comic-neue", bold: true },
    { family: "Playfair Display", pkg: "@expo-google-fonts/playfair-display", bold: true },
    { family: "Special Elite", pkg: "@expo-google-fonts/special-elite", bold: false },
    { family: "Lato", pkg: "@expo-google-fonts/lato", bold: true },
    { family: "Pacifico", pkg: "@expo-google-fonts/pacifico", bold: false },
  ],
};

export type FontPool = keyof typeof FONT_POOLS | "all";

export function fontsOf(pool: FontPool): FontFamily[] {
  return pool === "all" ? [...FONT_POOLS.tune, ...FONT_POOLS.holdout] : FONT_POOLS[pool];
}

let registered = false;

/**
 * Makes the npm fonts visible to librsvg (through fontconfig) for this process. Must run before
 * the first text is rendered: fontconfig reads FONTCONFIG_FILE once, when it first starts.
 */
export function registerFonts(): void {
  if (registered) return;
  registered = true;
  const require = createRequire(import.meta.url);
  const dirs = fontsOf("all").flatMap((f) => (f.pkg ? [dirname(require.resolve(`${f.pkg}/package.json`))] : []));
  const dir = mkdtempSync(join(tmpdir(), "mien-fonts-"));
  mkdirSync(join(dir, "cache"));
  const conf = [
    `<?xml version="1.0"?>`,
    `<!DOCTYPE fontconfig SYSTEM "fonts.dtd">`,
    `<fontconfig>`,
    `  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>`,
    ...dirs.map((d) => `  <dir>${d}</dir>`),
    `  <cachedir>${join(dir, "cache")}</cachedir>`,
    `</fontconfig>`,
  ].join("\n");
  writeFileSync(join(dir, "fonts.conf"), conf);
  process.env.FONTCONFIG_FILE = join(dir, "fonts.conf");
}

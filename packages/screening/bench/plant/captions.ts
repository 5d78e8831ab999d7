import sharp from "sharp";

import type { FontFamily } from "./fonts.ts";
import type { Random } from "./random.ts";

/** How a caption is drawn: each is one condition of the text benchmark. */
export const CAPTION_KINDS = ["meme", "plain", "small", "watermark", "banner", "long"] as const;
export type CaptionKind = (typeof CAPTION_KINDS)[number];

export interface Caption {
  kind: CaptionKind;
  text: string;
  family: string;
  bold: boolean;
  italic: boolean;
  /** Font size in pixels of the image it is drawn on. */
  size: number;
  fill: string;
  outline: "none" | "thin" | "thick" | "shadow";
  opacity: number;
  where: string;
}

const WORDS = (
  "the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when " +
  "your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into " +
  "time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get " +
  "come made may part over new sound take only little work know place year live me back give most very after thing our just name good sentence " +
  "man think say great where help through much before line right too mean old any same tell boy follow came want show also around form three " +
  "small set put end does another well large must big even such because turn here why ask went men read need land different home us move try " +
  "kind hand picture again change off play spell air away animal house point page letter mother answer found study still learn should world " +
  "monday friday weekend coffee happy angry surprise when boss says meeting nobody everyone finally today tomorrow never always really love " +
  "hate win lose game over party birthday winter summer breaking news live exclusive sale free best friend family team vote yes maybe"
).split(" ");

const HANDLES = ["@jane_doe", "@photos_by_sam", "@newsdesk", "@m.rivera", "@daily_faces", "#tbt", "#mood", "#blessed"];
const MARKS = [
  "© Getty Images",
  "© 2019 Reuters",
  "shutterstock",
  "SAMPLE",
  "PREVIEW",
  "AP Photo",
  "www.example.com",
  "photo: J. Smith",
  "istock",
  "© AFP 2007",
  "DRAFT",
  "alamy",
];
const NUMBERS = ["2019", "1987", "24/7", "100%", "No. 5", "$99", "3:45 PM", "12.04.2016", "#1"];

function words(rng: Random, min: number, max: number): string {
  const n = rng.int(min, max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.chance(0.08) ? rng.pick(NUMBERS) : rng.pick(WORDS));
  return out.join(" ");
}

function casing(rng: Random, text: string, upper: number): string {
  const r = rng.next();
  if (r < upper) return text.toUpperCase();
  if (r < upper + (1 - upper) / 2) return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
  return text;
}

const BRIGHT = ["#ffffff", "#ffff00", "#ffe14d", "#f2f2f2"];
const ANY = ["#ffffff", "#000000", "#ffff00", "#ff2020", "#1e90ff", "#22cc44", "#ff8c00", "#ff33cc", "#00e5ff", "#7f7f7f", "#202060"];

/** Draws a random caption of the given kind; the caller composites it over the image. */
export function randomCaption(rng: Random, kind: CaptionKind, fonts: readonly FontFamily[]): Caption {
  const font = rng.pick(fonts);
  const bold = rng.chance(kind === "meme" ? 0.85 : 0.4);
  const italic = rng.chance(0.12);
  const base = { kind, family: font.family, bold, italic, opacity: 1 };
  switch (kind) {
    case "meme":
      return {
        ...base,
        text: casing(rng, words(rng, 2, 5), 0.8),
        size: rng.between(1 / 12, 1 / 7),
        fill: rng.pick(BRIGHT),
        outline: rng.pick(["thin", "thick", "thick", "shadow"] as const),
        where: rng.pick(["top", "bottom"]),
      };
    case "plain":
      return {
        ...base,
        text: casing(rng, words(rng, 1, 4), 0.4),
        size: rng.between(1 / 13, 1 / 8),
        fill: rng.pick(ANY),
        outline: rng.pick(["none", "none", "thin", "shadow"] as const),
        where: rng.pick(["top", "middle", "bottom", "upper", "lower"]),
      };
    case "small":
      return {
        ...base,
        text: casing(rng, rng.chance(0.2) ? rng.pick(HANDLES) : words(rng, 1, 3), 0.4),
        size: rng.between(1 / 20, 1 / 14),
        fill: rng.pick(ANY),
        outline: rng.pick(["none", "thin", "shadow"] as const),
        where: rng.pick(["top", "middle", "bottom", "corner"]),
      };
    case "watermark":
      return {
        ...base,
        bold: rng.chance(0.3),
        text: rng.chance(0.7) ? rng.pick(MARKS) : rng.pick(HANDLES),
        size: rng.between(1 / 17, 1 / 10),
        fill: rng.pick(["#ffffff", "#ffffff", "#000000", "#cccccc"]),
        outline: "none",
        opacity: rng.between(0.5, 0.9),
        where: "corner",
      };
    case "banner":
      return {
        ...base,
        text: casing(rng, words(rng, 2, 5), 0.6),
        size: rng.between(1 / 14, 1 / 9),
        fill: rng.pick(["#ffffff", "#ffff00", "#000000"]),
        outline: "none",
        where: rng.pick(["top", "bottom", "lower"]),
      };
    case "long":
      return {
        ...base,
        text: casing(rng, words(rng, 6, 11), 0.3),
        size: rng.between(1 / 15, 1 / 10),
        fill: rng.pick(ANY),
        outline: rng.pick(["none", "thin", "thick", "shadow"] as const),
        where: rng.pick(["top", "middle", "bottom"]),
      };
  }
}

function luminance(hex: string): number {
  const v = Number.parseInt(hex.slice(1), 16);
  return 0.299 * ((v >> 16) & 255) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255);
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function textAttrs(c: Caption, px: number): string {
  return `font-family="${escapeXml(c.family)}" font-size="${px.toFixed(1)}" font-weight="${c.bold ? "bold" : "normal"}" font-style="${c.italic ? "italic" : "normal"}"`;
}

/** Rendered width of one line, measured by drawing it (font metrics differ too much to guess). */
async function lineWidth(c: Caption, line: string, px: number): Promise<number> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(px * line.length + 20)}" height="${Math.ceil(px * 2)}">
    <rect width="100%" height="100%" fill="white"/><text x="4" y="${(px * 1.4).toFixed(1)}" ${textAttrs(c, px)} fill="black">${escapeXml(line)}</text></svg>`;
  const { info } = await sharp(Buffer.from(svg))
    .trim({ threshold: 10 })
    .toBuffer({ resolveWithObject: true })
    .catch(() => ({ info: { width: 0 } }));
  return info.width;
}

/** Splits into lines of about `perLine` characters. */
function wrap(text: string, perLine: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= perLine) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Draws the caption over an image of width × height and returns the composited image (JPEG,
 * like the corpus). The font shrinks until the longest line fits 94% of the width; long text wraps.
 */
export async function drawCaption(rng: Random, image: Buffer, caption: Caption): Promise<{ bytes: Buffer; caption: Caption }> {
  let c = caption;
  const meta = await sharp(image).metadata();
  const width = meta.width ?? 160;
  const height = meta.height ?? 160;
  let px = Math.max(6, c.size * width);
  const lines =
    c.kind === "long"
      ? wrap(c.text, rng.int(12, 20))
      : c.kind === "meme" && c.text.length > 18 && rng.chance(0.5)
        ? wrap(c.text, Math.ceil(c.text.length / 2))
        : [c.text];
  const maxWidth = (c.kind === "watermark" || c.where === "corner" ? 0.7 : 0.94) * width;
  let widest = 0;
  for (let i = 0; i < 8; i++) {
    widest = Math.max(...(await Promise.all(lines.map((l) => lineWidth(c, l, px)))));
    if (widest <= maxWidth || px <= 6) break;
    px = Math.max(6, px * (maxWidth / widest) * 0.98);
  }
  const lineHeight = px * 1.15;
  const block = lineHeight * lines.length;
  const top = (() => {
    switch (c.where) {
      case "top":
        return px * 0.3;
      case "upper":
        return height * 0.22;
      case "middle":
        return (height - block) / 2;
      case "lower":
        return height * 0.62;
      case "corner":
        return rng.chance(0.5) ? px * 0.3 : height - block - px * 0.3;
      default:
        return height - block - px * 0.35;
    }
  })();
  const align = c.where === "corner" ? rng.pick(["start", "end"] as const) : rng.chance(0.75) ? "middle" : rng.pick(["start", "end"] as const);
  const x = align === "middle" ? width / 2 : align === "start" ? px * 0.4 : width - px * 0.4;
  // Captions are made to be read: without an outline or a band, a fill that would barely differ
  // from the grey behind it (after its opacity) becomes black or white, whichever stands out.
  if (c.outline === "none" && c.kind !== "banner") {
    const left = Math.min(width - 1, Math.max(0, Math.floor(align === "middle" ? x - widest / 2 : align === "start" ? x : x - widest)));
    const boxTop = Math.min(height - 1, Math.max(0, Math.floor(top)));
    const region = {
      left,
      top: boxTop,
      width: Math.max(1, Math.min(width - left, Math.ceil(widest))),
      height: Math.max(1, Math.min(height - boxTop, Math.ceil(block))),
    };
    const behind = (await sharp(image).extract(region).greyscale().stats()).channels[0]!.mean;
    if (c.opacity * Math.abs(luminance(c.fill) - behind) < 60) c = { ...c, fill: behind > 128 ? "#000000" : "#ffffff", opacity: Math.max(c.opacity, 0.75) };
  }
  const strokeWidth = c.outline === "thick" ? Math.max(1.5, px / 8) : Math.max(0.8, px / 18);
  const stroke = c.fill === "#000000" ? "#ffffff" : "#000000";
  const parts: string[] = [];
  if (c.kind === "banner") {
    const bandColour = c.fill === "#000000" ? "#ffffff" : rng.pick(["#000000", "#b00000", "#003080"]);
    parts.push(
      `<rect x="0" y="${(top - px * 0.25).toFixed(1)}" width="${width}" height="${(block + px * 0.5).toFixed(1)}" fill="${bandColour}" opacity="${rng.between(0.6, 1).toFixed(2)}"/>`,
    );
  }
  lines.forEach((line, i) => {
    const y = top + px * 0.95 + i * lineHeight;
    const attrs = `x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${align}" ${textAttrs(c, px)}`;
    const body = escapeXml(line);
    if (c.outline === "shadow") {
      const d = Math.max(1, px / 14);
      parts.push(`<text ${attrs} transform="translate(${d.toFixed(1)},${d.toFixed(1)})" fill="${stroke}" opacity="0.8">${body}</text>`);
    }
    const outline =
      c.outline === "thin" || c.outline === "thick"
        ? ` stroke="${stroke}" stroke-width="${strokeWidth.toFixed(2)}" stroke-linejoin="round" paint-order="stroke"`
        : "";
    parts.push(`<text ${attrs} fill="${c.fill}"${outline}>${body}</text>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g opacity="${c.opacity.toFixed(2)}">${parts.join("")}</g></svg>`;
  const bytes = await sharp(image)
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: rng.int(75, 95) })
    .toBuffer();
  return { bytes, caption: { ...c, size: px / width } };
}

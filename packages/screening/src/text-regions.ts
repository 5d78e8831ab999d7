/**
 * Text-line proposals: where in an image text may be, found before any OCR runs, so Tesseract
 * reads a few small, cleanly binarised strips instead of the whole photo.
 *
 * Rendered text is a row of similar-sized blobs that stand out from what is right around them
 * (brighter for white captions, darker for black ones, more colourful for coloured ones on a
 * grey photo). Each channel and polarity is keyed against its local mean, the blobs are labelled,
 * those shaped like characters are kept and chained left to right into lines.
 */

export interface Plane {
  width: number;
  height: number;
  /** One value per pixel, 0..255. */
  data: Uint8Array;
}

export interface TextLine {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Characters chained into the line. */
  chars: number;
  /** Which key found it: "<channel>-<bright|dark>". */
  key: string;
  /** The line's pixels as keyed (1 = ink), width × height, for OCR. */
  mask: Uint8Array;
  /** The glyph blobs chained into it, left to right, in image coordinates. */
  glyphs: Glyph[];
}

export interface Glyph {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Ink pixels. */
  area: number;
}

export interface ProposalOptions {
  /** A pixel is ink when it differs from the mean of its (2r+1)² neighbourhood by more than this. */
  contrast: number;
  radius: number;
  minCharHeight: number;
  maxCharHeight: number;
}

/** Grey levels as seen by the eye (ITU-R BT.601 luma) and colourfulness (max − min of R, G, B). */
export function planesOf(rgb: Uint8Array, width: number, height: number): { grey: Plane; chroma: Plane } {
  const n = width * height;
  const grey = new Uint8Array(n);
  const chroma = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    grey[i] = (299 * r + 587 * g + 114 * b + 500) / 1000;
    chroma[i] = Math.max(r, g, b) - Math.min(r, g, b);
  }
  return { grey: { width, height, data: grey }, chroma: { width, height, data: chroma } };
}

/** Mean of every (2r+1)² window (clipped at the edges), from an integral image. */
export function localMean(p: Plane, r: number): Float32Array {
  const { width: w, height: h, data } = p;
  const integral = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x]!;
      integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1]! + row;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum = integral[y1 * (w + 1) + x1]! - integral[y0 * (w + 1) + x1]! - integral[y1 * (w + 1) + x0]! + integral[y0 * (w + 1) + x0]!;
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** 1 where the plane is brighter (sign 1) or darker (sign −1) than its neighbourhood by more than `contrast`. */
export function keyed(p: Plane, mean: Float32Array, sign: 1 | -1, contrast: number): Uint8Array {
  const out = new Uint8Array(p.data.length);
  for (let i = 0; i < out.length; i++) out[i] = sign * (p.data[i]! - mean[i]!) > contrast ? 1 : 0;
  return out;
}

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/** Bounding boxes of the 8-connected components of a binary mask. */
function blobs(mask: Uint8Array, w: number, h: number): Blob[] {
  const label = new Int32Array(w * h).fill(-1);
  const out: Blob[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]! >= 0) continue;
    const b: Blob = { x0: w, y0: h, x1: 0, y1: 0, area: 0 };
    label[start] = out.length;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w;
      const y = (i - x) / w;
      b.area += 1;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && label[j]! < 0) {
            label[j] = out.length;
            stack.push(j);
          }
        }
      }
    }
    out.push(b);
  }
  return out;
}

/** Blobs shaped like glyphs: of text height, not much wider than tall, neither a speck nor a filled block. */
function isChar(b: Blob, o: ProposalOptions): boolean {
  const w = b.x1 - b.x0 + 1;
  const h = b.y1 - b.y0 + 1;
  if (h < o.minCharHeight || h > o.maxCharHeight) return false;
  if (w > 2.5 * h || w * h < 12) return false;
  const fill = b.area / (w * h);
  return fill >= 0.12 && fill <= 0.92;
}

/**
 * Chains glyph blobs into lines: neighbours of similar height that overlap vertically by half
 * the smaller one and sit within one and a half heights of each other.
 */
function chain(chars: Blob[]): Blob[][] {
  const parent = chars.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const order = chars.map((_, i) => i).sort((a, b) => chars[a]!.x0 - chars[b]!.x0);
  for (let oi = 0; oi < order.length; oi++) {
    const a = chars[order[oi]!]!;
    const ha = a.y1 - a.y0 + 1;
    for (let oj = oi + 1; oj < order.length; oj++) {
      const b = chars[order[oj]!]!;
      const hb = b.y1 - b.y0 + 1;
      const gap = b.x0 - a.x1;
      if (gap > 1.5 * Math.max(ha, hb)) break;
      if (Math.max(ha, hb) > 1.8 * Math.min(ha, hb)) continue;
      const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 1;
      if (overlap < 0.5 * Math.min(ha, hb)) continue;
      parent[find(order[oi]!)] = find(order[oj]!);
    }
  }
  const groups = new Map<number, Blob[]>();
  chars.forEach((c, i) => {
    const g = find(i);
    const list = groups.get(g);
    if (list) list.push(c);
    else groups.set(g, [c]);
  });
  return [...groups.values()];
}

/** Lines of two or more glyph blobs in one keyed mask. */
export function linesIn(mask: Uint8Array, w: number, h: number, key: string, o: ProposalOptions): TextLine[] {
  const chars = blobs(mask, w, h).filter((b) => isChar(b, o));
  return chain(chars)
    .filter((g) => g.length >= 2)
    .map((g) => {
      const x0 = Math.min(...g.map((b) => b.x0));
      const y0 = Math.min(...g.map((b) => b.y0));
      const x1 = Math.max(...g.map((b) => b.x1));
      const y1 = Math.max(...g.map((b) => b.y1));
      const width = x1 - x0 + 1;
      const height = y1 - y0 + 1;
      const lineMask = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) lineMask.set(mask.subarray((y0 + y) * w + x0, (y0 + y) * w + x1 + 1), y * width);
      const glyphs = [...g].sort((a, b) => a.x0 - b.x0).map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1, area: b.area }));
      return { x: x0, y: y0, width, height, chars: g.length, key, mask: lineMask, glyphs };
    })
    .filter((l) => l.width >= 1.2 * l.height);
}

export const DEFAULT_PROPOSALS: ProposalOptions = { contrast: 28, radius: 10, minCharHeight: 6, maxCharHeight: 80 };

/** Every text-line proposal in the grey and colour planes, in both polarities (grey) or bright only (colour), at each contrast. */
export function proposeLines(
  planes: { grey: Plane; chroma: Plane },
  o: ProposalOptions = DEFAULT_PROPOSALS,
  contrasts: readonly number[] = [o.contrast],
): TextLine[] {
  const { width: w, height: h } = planes.grey;
  const greyMean = localMean(planes.grey, o.radius);
  const chromaMax = planes.chroma.data.reduce((m, v) => Math.max(m, v), 0);
  const chromaMean = chromaMax > 2 * Math.min(...contrasts) ? localMean(planes.chroma, o.radius) : null;
  const out: TextLine[] = [];
  for (const contrast of contrasts) {
    out.push(...linesIn(keyed(planes.grey, greyMean, 1, contrast), w, h, "grey-bright", o));
    out.push(...linesIn(keyed(planes.grey, greyMean, -1, contrast), w, h, "grey-dark", o));
    if (chromaMean && chromaMax > 2 * contrast) out.push(...linesIn(keyed(planes.chroma, chromaMean, 1, contrast), w, h, "chroma-bright", o));
  }
  return dedupe(out);
}

/** Drops a proposal that mostly repeats a larger one of the same key (the same line found at two contrasts). */
function dedupe(lines: TextLine[]): TextLine[] {
  const sorted = [...lines].sort((a, b) => b.chars - a.chars || b.width * b.height - a.width * a.height);
  const kept: TextLine[] = [];
  for (const l of sorted) {
    const repeat = kept.some((k) => {
      if (k.key !== l.key) return false;
      const ix = Math.max(0, Math.min(k.x + k.width, l.x + l.width) - Math.max(k.x, l.x));
      const iy = Math.max(0, Math.min(k.y + k.height, l.y + l.height) - Math.max(k.y, l.y));
      return ix * iy >= 0.6 * l.width * l.height;
    });
    if (!repeat) kept.push(l);
  }
  return kept;
}

/** How much a proposed line looks like rendered text, before any OCR (see lineShape). */
export interface LineShape {
  /** Spread of the glyph heights (std over mean). */
  heightSpread: number;
  /** Spread of the glyph bottoms, in median glyph heights (a baseline gives little). */
  baselineSpread: number;
  /** Spread of the ink's grey (or colour) level over its contrast with the rest of the line box (a filled letter gives little). */
  inkSpread: number;
  /** Contrast between the ink and the rest of the line box, in levels. */
  inkContrast: number;
  /** Share of horizontal ink runs within 0.5–2× their median length (strokes of one width). */
  strokeConsistency: number;
}

const spread = (v: readonly number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) / Math.max(1e-6, Math.abs(mean));
};
const median = (v: readonly number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;

/** Shape measures of one proposed line on the plane it was keyed from. */
export function lineShape(line: TextLine, plane: Plane): LineShape {
  const heights = line.glyphs.map((g) => g.height);
  const mh = Math.max(1, median(heights));
  const bottoms = line.glyphs.map((g) => g.y + g.height);
  const mb = bottoms.reduce((a, b) => a + b, 0) / bottoms.length;
  let inkSum = 0;
  let inkSq = 0;
  let inkN = 0;
  let bgSum = 0;
  let bgN = 0;
  const runs: number[] = [];
  for (let y = 0; y < line.height; y++) {
    let run = 0;
    for (let x = 0; x < line.width; x++) {
      const v = plane.data[(line.y + y) * plane.width + line.x + x]!;
      if (line.mask[y * line.width + x]) {
        inkSum += v;
        inkSq += v * v;
        inkN += 1;
        run += 1;
      } else {
        bgSum += v;
        bgN += 1;
        if (run) runs.push(run);
        run = 0;
      }
    }
    if (run) runs.push(run);
  }
  const inkMean = inkSum / Math.max(1, inkN);
  const inkStd = Math.sqrt(Math.max(0, inkSq / Math.max(1, inkN) - inkMean ** 2));
  const inkContrast = Math.abs(inkMean - bgSum / Math.max(1, bgN));
  const mr = median(runs);
  return {
    heightSpread: spread(heights),
    baselineSpread: Math.sqrt(bottoms.reduce((a, b) => a + (b - mb) ** 2, 0) / bottoms.length) / mh,
    inkSpread: inkStd / Math.max(1, inkContrast),
    inkContrast,
    strokeConsistency: runs.length ? runs.filter((r) => r >= 0.5 * mr && r <= 2 * mr).length / runs.length : 0,
  };
}

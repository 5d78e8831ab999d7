import sharp from "sharp";

import type { Random } from "./random.ts";

/** Near-duplicate edits: each is one condition of the duplicate benchmark. */
export const DUPLICATE_EDITS = ["resize", "crop", "brightness", "contrast", "reencode", "combined"] as const;
export type DuplicateEdit = (typeof DUPLICATE_EDITS)[number];

/** A copy of `image` changed the way re-posted photos are: resized, cropped a few per cent, relit, re-encoded. */
export async function nearDuplicate(rng: Random, image: Buffer, edit: DuplicateEdit): Promise<Buffer> {
  const { width = 160, height = 160 } = await sharp(image).metadata();
  let p = sharp(image);
  const resize = () => (p = p.resize(Math.round(width * rng.between(0.6, 0.92)), null));
  const crop = () => {
    const f = rng.between(0.02, 0.06);
    const left = Math.round(width * f * rng.next());
    const top = Math.round(height * f * rng.next());
    p = p.extract({ left, top, width: Math.round(width * (1 - f)), height: Math.round(height * (1 - f)) });
  };
  const brightness = () => (p = p.modulate({ brightness: rng.chance(0.5) ? rng.between(1.06, 1.15) : rng.between(0.85, 0.94) }));
  const contrast = () => {
    const a = rng.chance(0.5) ? rng.between(1.1, 1.25) : rng.between(0.75, 0.9);
    p = p.linear(a, 128 * (1 - a));
  };
  switch (edit) {
    case "resize":
      resize();
      break;
    case "crop":
      crop();
      break;
    case "brightness":
      brightness();
      break;
    case "contrast":
      contrast();
      break;
    case "reencode":
      break;
    case "combined":
      crop();
      // sharp applies one resize per pipeline: crop and relight first, then resize on a new one.
      brightness();
      contrast();
      p = sharp(await p.toBuffer());
      resize();
      break;
  }
  return p.jpeg({ quality: rng.int(edit === "reencode" ? 35 : 60, edit === "reencode" ? 60 : 85) }).toBuffer();
}

/** Gaussian blur strengths on 160 px faces: one condition each. */
export const BLUR_SIGMAS = [1.5, 2.5, 4] as const;

export async function blurred(rng: Random, image: Buffer, sigma: number): Promise<Buffer> {
  return sharp(image)
    .blur(sigma)
    .jpeg({ quality: rng.int(80, 95) })
    .toBuffer();
}

/** Images without a face: one condition each. */
export const NO_FACE_KINDS = ["texture", "background"] as const;
export type NoFaceKind = (typeof NO_FACE_KINDS)[number];

/** A texture (smoothed noise, stripes, or a gradient) or a corner of a photo (hair, wall, collar) enlarged. */
export async function noFace(rng: Random, kind: NoFaceKind, photo: Buffer): Promise<Buffer> {
  if (kind === "background") {
    const { width = 160, height = 160 } = await sharp(photo).metadata();
    const w = Math.round(width * rng.between(0.25, 0.35));
    const h = Math.round(height * rng.between(0.2, 0.3));
    const left = rng.chance(0.5) ? 0 : width - w;
    return sharp(photo)
      .extract({ left, top: 0, width: w, height: h })
      .resize(160, Math.round((160 * h) / w))
      .jpeg({ quality: 85 })
      .toBuffer();
  }
  const size = 160;
  const style = rng.pick(["noise", "stripes", "gradient"] as const);
  const px = Buffer.alloc(size * size * 3);
  const base = [rng.int(40, 200), rng.int(40, 200), rng.int(40, 200)];
  const period = rng.between(6, 30);
  const angle = rng.between(0, Math.PI);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = x * Math.cos(angle) + y * Math.sin(angle);
      const v = style === "noise" ? rng.between(-60, 60) : style === "stripes" ? 50 * Math.sin((2 * Math.PI * t) / period) : (t / size) * 80 - 40;
      for (let c = 0; c < 3; c++) px[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, base[c]! + v));
    }
  }
  let p = sharp(px, { raw: { width: size, height: size, channels: 3 } });
  if (style === "noise") p = p.blur(rng.between(1, 4));
  return p.jpeg({ quality: 85 }).toBuffer();
}

/** Several faces in one picture: one condition per count. */
export const SEVERAL_FACES = [2, 3] as const;

/** Two or three corpus faces side by side on a grey background, as in a group photo. */
export async function severalFaces(rng: Random, faces: readonly Buffer[]): Promise<Buffer> {
  const n = faces.length;
  const width = n === 2 ? 240 : 300;
  const height = 160;
  const side = Math.round(width / n - 8);
  const tiles = await Promise.all(
    faces.map(async (face, i) => ({
      input: await sharp(face).resize(side, side, { fit: "cover" }).toBuffer(),
      left: Math.round(4 + i * (width / n)),
      top: rng.int(0, height - side),
    })),
  );
  const grey = rng.int(60, 200);
  return sharp({ create: { width, height, channels: 3, background: { r: grey, g: grey, b: grey } } })
    .composite(tiles)
    .jpeg({ quality: 88 })
    .toBuffer();
}

import sharp from "sharp";

// Screening decodes many small images one after another: libvips' cache would only hold memory.
sharp.cache(false);

/** Decoded RGB pixels, row-major, 0..255. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Decodes image bytes to RGB (EXIF-oriented, alpha dropped, grey expanded), as the models expect. */
export async function decodeRgb(bytes: Buffer, region?: { left: number; top: number; width: number; height: number }): Promise<RgbImage> {
  let pipeline = sharp(bytes, { failOn: "error", autoOrient: true }).removeAlpha().toColourspace("srgb");
  if (region) pipeline = pipeline.extract(region);
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`Expected 3 colour channels after decoding, got ${info.channels}.`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A rectangle of decoded pixels (in bounds, whole pixels), copied row by row. */
export function cropRgb(image: RgbImage, region: { left: number; top: number; width: number; height: number }): RgbImage {
  const { left, top, width, height } = region;
  if (left < 0 || top < 0 || width < 1 || height < 1 || left + width > image.width || top + height > image.height)
    throw new Error(`The region ${width}×${height} at (${left}, ${top}) is not inside the ${image.width}×${image.height} image.`);
  const data = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((top + row) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), row * width * 3);
  }
  return { width, height, data };
}

/** A square grey `size`×`size` version of an image, for comparing pictures pixel by pixel. */
export async function greySquare(bytes: Buffer, size: number): Promise<Uint8Array> {
  const data = await sharp(bytes, { failOn: "error", autoOrient: true }).greyscale().resize(size, size, { fit: "fill" }).raw().toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

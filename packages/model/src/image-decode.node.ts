import sharp from "sharp";

import type { PixelImage } from "./preprocess.ts";

const decode = (bytes: Uint8Array | Buffer) => sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });

/** Decodes an encoded image (JPEG, PNG, WebP…) to raw pixels; gray stays 1-channel, the rest becomes RGB. */
export async function decodeImageBytes(bytes: Uint8Array | Buffer, what = "image"): Promise<PixelImage> {
  let out: Awaited<ReturnType<typeof decode>>;
  try {
    out = await decode(bytes);
  } catch (error) {
    throw new Error(`Could not decode ${what}: ${(error as Error).message}`);
  }
  const { data, info } = out;
  if (info.channels !== 1 && info.channels !== 3) throw new Error(`${what} decoded to ${info.channels} channels; expected gray or RGB.`);
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

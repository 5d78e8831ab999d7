import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";

import { pixelsToTensor, preprocess, type InputSpec, type PixelImage } from "./preprocess.ts";

const FACE_API: InputSpec = { size: 112, channels: 3, mean: [122.782, 117.001, 104.298], scale: 1 / 255 };
const GRAY64: InputSpec = { size: 64, channels: 1, mean: [127.5], scale: 1 / 127.5 };
const CROPPED: InputSpec = { size: 50, channels: 3, mean: [0], scale: 1 / 255, crop: [0, 0.1, 0.9, 0.9] };

/** A 48×48 gray image whose left half is dark and right half bright, with a gradient. */
function asymmetricGray(width = 48, height = 48): PixelImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.round((255 * x) / (width - 1));
  return { width, height, channels: 1, data };
}

function mirrorPixels(im: PixelImage): PixelImage {
  const { width, height, channels, data } = im;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = data[(y * width + (width - 1 - x)) * channels + c]!;
  return { ...im, data: out };
}

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("pixelsToTensor", () => {
  it("repeats gray into three equal channels", async () => {
    const t = pixelsToTensor(asymmetricGray(4, 2));
    expect(t.shape).toEqual([2, 4, 3]);
    const v = (await t.array()) as number[][][];
    expect(v[1]![3]).toEqual([255, 255, 255]);
    expect(v[0]![0]).toEqual([0, 0, 0]);
  });

  it("drops alpha from RGBA", async () => {
    const t = pixelsToTensor({ width: 1, height: 1, channels: 4, data: new Uint8Array([10, 20, 30, 255]) });
    expect(await t.array()).toEqual([[[10, 20, 30]]]);
  });

  it("rejects a buffer of the wrong length", () => {
    expect(() => pixelsToTensor({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) })).toThrow(/needs 12/);
  });
});

describe("preprocess", () => {
  it("gives each backbone its input shape and value range", async () => {
    const images = [asymmetricGray(), asymmetricGray()];
    const rgb = preprocess(images, FACE_API);
    expect(rgb.shape).toEqual([2, 112, 112, 3]);
    expect(rgb.max().arraySync()).toBeLessThanOrEqual((255 - 104.298) / 255 + 1e-5);
    expect(rgb.min().arraySync()).toBeGreaterThanOrEqual(-122.782 / 255 - 1e-5);
    const gray = preprocess(images, GRAY64);
    expect(gray.shape).toEqual([2, 64, 64, 1]);
    expect(gray.min().arraySync()).toBeGreaterThanOrEqual(-1 - 1e-5);
    expect(gray.max().arraySync()).toBeLessThanOrEqual(1 + 1e-5);
    expect(preprocess(images, CROPPED).shape).toEqual([2, 50, 50, 3]);
  });

  it("accepts a 0..255 tensor batch and mixed-size crops", () => {
    const batch = tf.fill([3, 48, 48, 3], 128) as tf.Tensor4D;
    expect(preprocess(batch, FACE_API).shape).toEqual([3, 112, 112, 3]);
    const mixed = preprocess([asymmetricGray(40, 60), asymmetricGray(48, 48)], FACE_API);
    expect(mixed.shape).toEqual([2, 112, 112, 3]);
  });

  it("flip mirrors the input, and equals preprocessing a mirrored image", async () => {
    const im = asymmetricGray();
    const plain = preprocess([im], FACE_API);
    const flipped = preprocess([im], FACE_API, { flip: true });
    expect(tf.max(tf.abs(tf.sub(plain, flipped))).arraySync()).toBeGreaterThan(0.5);
    expect(tf.max(tf.abs(tf.sub(tf.reverse(plain, 2), flipped))).arraySync()).toBeLessThan(1e-6);
    // Resizing is mirror-symmetric, so flipping before or after preprocessing agrees.
    const fromMirrored = preprocess([mirrorPixels(im)], FACE_API);
    expect(tf.max(tf.abs(tf.sub(fromMirrored, flipped))).arraySync()).toBeLessThan(1e-4);
    const croppedFlip = preprocess([im], CROPPED, { flip: true });
    const croppedMirror = preprocess([mirrorPixels(im)], CROPPED);
    expect(tf.max(tf.abs(tf.sub(croppedFlip, croppedMirror))).arraySync()).toBeLessThan(1e-4);
  });
});

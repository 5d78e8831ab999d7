import * as tf from "@tensorflow/tfjs";

/**
 * Decoded pixels of one image or face crop, row-major, values 0..255.
 * Decoding (JPEG, canvas, video frame) happens at the edges; everything after is shared.
 */
export interface PixelImage {
  width: number;
  height: number;
  /** 1 = gray, 3 = RGB, 4 = RGBA (alpha is ignored). */
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array;
}

/** What one backbone expects as input; the only per-backbone part of preprocessing. */
export interface InputSpec {
  /** Side of the square input in pixels. */
  size: number;
  /** 3 = RGB; 1 = luma (ITU-R 601 weights) for gray-input models. */
  channels: 1 | 3;
  /** Subtracted from 0..255 values, one number per channel. */
  mean: readonly number[];
  /** Multiplies the mean-subtracted values. */
  scale: number;
  /** Relative [top, left, bottom, right] box cut from the face crop before resizing. */
  crop?: readonly [number, number, number, number];
}

export interface PreprocessOptions {
  /** Mirror left-right (test-time augmentation, training augmentation). */
  flip?: boolean;
}

const LUMA = [0.2989, 0.587, 0.114] as const;

/** One image as a [h, w, 3] float32 tensor of 0..255 values (gray is repeated, alpha dropped). */
export function pixelsToTensor(image: PixelImage): tf.Tensor3D {
  const { width, height, channels, data } = image;
  if (data.length !== width * height * channels) {
    throw new Error(`Pixel buffer holds ${data.length} values; ${width}x${height}x${channels} needs ${width * height * channels}.`);
  }
  return tf.tidy(() => {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    const raw = tf.tensor3d(values, [height, width, channels], "float32");
    if (channels === 3) return raw;
    if (channels === 4) return tf.slice(raw, [0, 0, 0], [height, width, 3]);
    return tf.tile(raw, [1, 1, 3]);
  });
}

/**
 * Stacks same-sized images into one [n, h, w, 3] 0..255 tensor.
 * Images of mixed sizes are each padded to a square and brought to the largest side first.
 */
export function pixelsToBatch(images: readonly PixelImage[]): tf.Tensor4D {
  if (images.length === 0) throw new Error("pixelsToBatch needs at least one image.");
  return tf.tidy(() => {
    const first = images[0]!;
    const uniform = images.every((im) => im.width === first.width && im.height === first.height && im.channels === first.channels);
    if (uniform) {
      const { width, height, channels } = first;
      const plane = width * height * channels;
      const all = new Float32Array(plane * images.length);
      images.forEach((im, i) => all.set(im.data, i * plane));
      const raw = tf.tensor4d(all, [images.length, height, width, channels]);
      if (channels === 3) return raw;
      if (channels === 4) return tf.slice(raw, [0, 0, 0, 0], [-1, -1, -1, 3]);
      return tf.tile(raw, [1, 1, 1, 3]);
    }
    const side = Math.max(...images.map((im) => Math.max(im.width, im.height)));
    const squares = images.map((im) => squareResize(tf.expandDims(pixelsToTensor(im), 0) as tf.Tensor4D, side));
    return tf.concat(squares, 0);
  });
}

/** Pads the short side with black (centred), as face-api does, then resizes to `side`. */
function squareResize(x: tf.Tensor4D, side: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  let square = x;
  if (h !== w) {
    const diff = Math.abs(h - w);
    const before = Math.floor(diff / 2);
    const pad: Array<[number, number]> =
      h > w
        ? [
            [0, 0],
            [0, 0],
            [before, diff - before],
            [0, 0],
          ]
        : [
            [0, 0],
            [before, diff - before],
            [0, 0],
            [0, 0],
          ];
    square = tf.pad(x, pad);
  }
  const s = square.shape[1];
  // halfPixelCenters keeps resizing mirror-symmetric, so flip(resize(x)) == resize(flip(x)).
  return s === side ? square : tf.image.resizeBilinear(square, [side, side], false, true);
}

/**
 * THE preprocessing shared by training, screening and the browser: face crops (pixels or a
 * [n, h, w, 3] 0..255 tensor) → the normalised input tensor one backbone expects.
 */
export function preprocess(input: readonly PixelImage[] | tf.Tensor4D, spec: InputSpec, options: PreprocessOptions = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const batch = input instanceof tf.Tensor ? tf.cast(input, "float32") : pixelsToBatch(input);
    let x: tf.Tensor4D;
    if (spec.crop) {
      const n = batch.shape[0];
      const boxes = tf.tensor2d(
        Array.from({ length: n }, () => [...spec.crop!]),
        [n, 4],
      );
      const idx = tf.range(0, n, 1, "int32") as tf.Tensor1D;
      x = tf.image.cropAndResize(squareResize(batch, Math.max(batch.shape[1], batch.shape[2])), boxes, idx, [spec.size, spec.size], "bilinear");
    } else {
      x = squareResize(batch, spec.size);
    }
    if (options.flip) x = tf.reverse(x, 2);
    if (spec.channels === 1) x = tf.sum(tf.mul(x, tf.tensor1d([...LUMA])), 3, true);
    if (spec.mean.length !== spec.channels && spec.mean.length !== 1) {
      throw new Error(`InputSpec mean has ${spec.mean.length} values for ${spec.channels} channels.`);
    }
    return tf.mul(tf.sub(x, tf.tensor1d([...spec.mean])), spec.scale) as tf.Tensor4D;
  });
}

import * as tf from "@tensorflow/tfjs";

import {
  embedImages,
  EXPRESSION_CLASSES,
  FACE_API_EXPRESSION_LABELS,
  FaceApiExpressionNet,
  loadBackbone,
  type Backbone,
  type BackboneId,
  type ModelSources,
} from "@mien/model";

import type { RgbImage } from "./decode.ts";

/** The face-pretrained backbone whose features feed the mislabel classifier (face-api's expression net, 256-d). */
export const SCREENING_BACKBONE: BackboneId = "faceapi-expression";

/**
 * image_embedding.backbone of the mirrored face's embedding: the mislabel classifier averages each
 * face with its mirror (flip TTA), which raised the ranking's AUROC from 0.83 to 0.87 (see thresholds.ts).
 */
export const SCREENING_MIRRORED = `${SCREENING_BACKBONE}:mirrored`;

/** A face box in fractions of the image, as the faces stage stores it ([x, y, width, height]). */
export type RelativeBox = readonly number[];

/**
 * The pixel region to embed: the detected face widened by 10% on each side (the expression net
 * was trained on detector crops with a little context), or the whole image when there is no face.
 */
export function faceRegion(width: number, height: number, box: RelativeBox | null): { left: number; top: number; width: number; height: number } {
  if (!box || box.length !== 4) return { left: 0, top: 0, width, height };
  const [x, y, w, h] = box as [number, number, number, number];
  const pad = 0.1;
  const left = Math.max(0, Math.floor((x - w * pad) * width));
  const top = Math.max(0, Math.floor((y - h * pad) * height));
  const right = Math.min(width, Math.ceil((x + w * (1 + pad)) * width));
  const bottom = Math.min(height, Math.ceil((y + h * (1 + pad)) * height));
  // A degenerate box (a few pixels) says more about the detector than the face: use the image.
  if (right - left < 8 || bottom - top < 8) return { left: 0, top: 0, width, height };
  return { left, top, width: right - left, height: bottom - top };
}

export class Embedder {
  private constructor(private readonly backbone: Backbone) {}

  static async load(sources: ModelSources, id: BackboneId = SCREENING_BACKBONE): Promise<Embedder> {
    return new Embedder(await loadBackbone(id, sources));
  }

  get id(): string {
    return this.backbone.id;
  }

  get dim(): number {
    return this.backbone.dim;
  }

  /** One embedding per face crop (of the mirrored crop with `flip`), as rows of a count × dim array. */
  async embed(crops: readonly RgbImage[], flip = false): Promise<Float32Array> {
    if (crops.length === 0) return new Float32Array(0);
    const out = embedImages(
      this.backbone,
      crops.map((c) => ({ width: c.width, height: c.height, channels: 3 as const, data: c.data })),
      { flip },
    );
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  /**
   * face-api's own expression output for stored embeddings (rows of `dim`), as probabilities over
   * EXPRESSION_CLASSES (contempt, which face-api lacks, gets 0). Null for other backbones.
   */
  async classify(x: Float32Array): Promise<Float32Array | null> {
    if (!(this.backbone instanceof FaceApiExpressionNet)) return null;
    const n = x.length / this.dim;
    const input = tf.tensor2d(x, [n, this.dim]);
    const out = this.backbone.classifyEmbeddings(input);
    let p: Float32Array;
    try {
      p = (await out.data()) as Float32Array;
    } finally {
      tf.dispose([input, out]);
    }
    const k = EXPRESSION_CLASSES.length;
    const m = FACE_API_EXPRESSION_LABELS.length;
    const column = EXPRESSION_CLASSES.map((c) => FACE_API_EXPRESSION_LABELS.indexOf(c));
    const canonical = new Float32Array(n * k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) canonical[i * k + j] = column[j]! < 0 ? 0 : p[i * m + column[j]!]!;
    return canonical;
  }

  dispose(): void {
    this.backbone.dispose();
  }
}

/** float32 little-endian bytes, as image_embedding.vector stores them. */
export function encodeVector(values: ArrayLike<number>): Buffer {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf;
}

export function decodeVector(bytes: Uint8Array, dim: number): Float32Array {
  if (bytes.byteLength !== dim * 4) throw new Error(`A stored embedding has ${bytes.byteLength} bytes; ${dim} dimensions need ${dim * 4}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: dim }, (_, i) => view.getFloat32(i * 4, true));
}

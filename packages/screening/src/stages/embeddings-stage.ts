import { Prisma } from "@mien/db";
import { EXPRESSION_CLASSES } from "@mien/model";

import { cropRgb, decodeRgb } from "../decode.ts";
import { Embedder, encodeVector, faceRegion, SCREENING_BACKBONE, SCREENING_MIRRORED } from "../embeddings.ts";
import { referenceInfo, ReferenceModel } from "../reference.ts";
import type { StageContext } from "./context.ts";
import { readOriginals, type BatchStage, type Done, type ImageRow } from "./image-batches.ts";

interface FaceEmbeddings {
  face: Float32Array;
  mirrored: Float32Array;
  /** The reference model's probabilities over EXPRESSION_CLASSES, when there is a reference. */
  reference: Float32Array | null;
}

/**
 * Face embeddings (of the detected face when there is one, and of its mirror) for the mislabel
 * classifier, and the reference model's probabilities for the face (reference.ts) when one is set.
 */
export class EmbeddingsStage implements BatchStage<FaceEmbeddings> {
  readonly name = "embeddings" as const;
  readonly pending: Prisma.Sql;
  private readonly referenceKey: string | null;
  private embedder: Embedder | null = null;
  private reference: ReferenceModel | null = null;

  /** `referenceDir`: the reference model's version folder, or null for none. */
  constructor(private readonly referenceDir: string | null = null) {
    this.referenceKey = referenceDir ? referenceInfo(referenceDir).key : null;
    const has = (backbone: string) => Prisma.sql`EXISTS (SELECT 1 FROM image_embedding e WHERE e."imageId" = image.id AND e.backbone = ${backbone})`;
    // Images embedded before mirrors (or this reference's probabilities) were stored are embedded again.
    this.pending = this.referenceKey ? Prisma.sql`NOT (${has(SCREENING_MIRRORED)} AND ${has(this.referenceKey)})` : Prisma.sql`NOT ${has(SCREENING_MIRRORED)}`;
  }

  async open(ctx: StageContext): Promise<void> {
    this.embedder = await Embedder.load(ctx.models, SCREENING_BACKBONE);
    if (this.referenceDir) this.reference = await ReferenceModel.load(this.referenceDir);
  }

  async process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<FaceEmbeddings | Error>> {
    const originals = await readOriginals(ctx, images);
    const boxes = images.map((image) => (image.faceBox?.length === 4 ? image.faceBox : null));
    const decoded = await Promise.all(
      originals.map(async (bytes, i) => {
        if (bytes instanceof Error) return bytes;
        try {
          // Decoded once: the embedder reads the padded face region, the reference cuts its own
          // face box out of the whole image.
          const whole = await decodeRgb(bytes);
          return { crop: cropRgb(whole, faceRegion(whole.width, whole.height, boxes[i]!)), whole };
        } catch (e) {
          return new Error(`could not decode: ${(e as Error).message}`);
        }
      }),
    );
    const okRows = decoded.flatMap((d, i) => (d instanceof Error ? [] : [i]));
    const ok = okRows.map((i) => decoded[i] as Exclude<(typeof decoded)[number], Error>);
    const dim = this.embedder!.dim;
    const faces = ok.map((d) => d.crop);
    const vectors = await this.embedder!.embed(faces);
    const mirrored = await this.embedder!.embed(faces, true);
    const k = EXPRESSION_CLASSES.length;
    const reference = this.reference
      ? await this.reference.classify(
          ok.map((d) => d.whole),
          okRows.map((i) => boxes[i]!),
        )
      : null;
    let next = 0;
    return decoded.map((d) => {
      if (d instanceof Error) return d;
      const rows = {
        face: vectors.slice(next * dim, (next + 1) * dim),
        mirrored: mirrored.slice(next * dim, (next + 1) * dim),
        reference: reference ? reference.slice(next * k, (next + 1) * k) : null,
      };
      next++;
      return rows;
    });
  }

  async write(tx: Prisma.TransactionClient, done: readonly Done<FaceEmbeddings>[]): Promise<void> {
    const ids = done.map((d) => d.image.id);
    const backbones = [SCREENING_BACKBONE, SCREENING_MIRRORED, ...(this.referenceKey ? [this.referenceKey] : [])];
    await tx.imageEmbedding.deleteMany({ where: { imageId: { in: ids }, backbone: { in: backbones } } });
    await tx.imageEmbedding.createMany({
      data: done.flatMap(({ image, result }) => [
        { imageId: image.id, backbone: SCREENING_BACKBONE, vector: new Uint8Array(encodeVector(result.face)) },
        { imageId: image.id, backbone: SCREENING_MIRRORED, vector: new Uint8Array(encodeVector(result.mirrored)) },
        ...(this.referenceKey && result.reference
          ? [{ imageId: image.id, backbone: this.referenceKey, vector: new Uint8Array(encodeVector(result.reference)) }]
          : []),
      ]),
    });
  }

  async close(): Promise<void> {
    this.embedder?.dispose();
    this.embedder = null;
    this.reference?.dispose();
    this.reference = null;
  }
}

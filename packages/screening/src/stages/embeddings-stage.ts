import { Prisma } from "@mien/db";

import { decodeRgb } from "../decode.ts";
import { Embedder, encodeVector, faceRegion, SCREENING_BACKBONE, SCREENING_MIRRORED } from "../embeddings.ts";
import type { StageContext } from "./context.ts";
import { readOriginals, type BatchStage, type Done, type ImageRow } from "./image-batches.ts";

interface FaceEmbeddings {
  face: Float32Array;
  mirrored: Float32Array;
}

/** Face embeddings (of the detected face when there is one, and of its mirror) for the mislabel classifier. */
export class EmbeddingsStage implements BatchStage<FaceEmbeddings> {
  readonly name = "embeddings" as const;
  // Images embedded before mirrors were stored are embedded again.
  readonly pending = Prisma.sql`NOT EXISTS (SELECT 1 FROM image_embedding e WHERE e."imageId" = image.id AND e.backbone = ${SCREENING_MIRRORED})`;
  private embedder: Embedder | null = null;

  async open(ctx: StageContext): Promise<void> {
    this.embedder = await Embedder.load(ctx.models, SCREENING_BACKBONE);
  }

  async process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<FaceEmbeddings | Error>> {
    const originals = await readOriginals(ctx, images);
    const crops = await Promise.all(
      originals.map((bytes, i) => {
        if (bytes instanceof Error) return bytes;
        const image = images[i]!;
        const box = image.faceBox?.length === 4 ? image.faceBox : null;
        return decodeRgb(bytes, faceRegion(image.width, image.height, box)).catch((e: unknown) => new Error(`could not decode: ${(e as Error).message}`));
      }),
    );
    const ok = crops.filter((c) => !(c instanceof Error));
    const dim = this.embedder!.dim;
    const faces = ok as Exclude<(typeof crops)[number], Error>[];
    const vectors = await this.embedder!.embed(faces);
    const mirrored = await this.embedder!.embed(faces, true);
    let next = 0;
    return crops.map((c) => {
      if (c instanceof Error) return c;
      const rows = { face: vectors.slice(next * dim, (next + 1) * dim), mirrored: mirrored.slice(next * dim, (next + 1) * dim) };
      next++;
      return rows;
    });
  }

  async write(tx: Prisma.TransactionClient, done: readonly Done<FaceEmbeddings>[]): Promise<void> {
    const ids = done.map((d) => d.image.id);
    await tx.imageEmbedding.deleteMany({ where: { imageId: { in: ids }, backbone: { in: [SCREENING_BACKBONE, SCREENING_MIRRORED] } } });
    await tx.imageEmbedding.createMany({
      data: done.flatMap(({ image, result }) => [
        { imageId: image.id, backbone: SCREENING_BACKBONE, vector: new Uint8Array(encodeVector(result.face)) },
        { imageId: image.id, backbone: SCREENING_MIRRORED, vector: new Uint8Array(encodeVector(result.mirrored)) },
      ]),
    });
  }

  async close(): Promise<void> {
    this.embedder?.dispose();
    this.embedder = null;
  }
}

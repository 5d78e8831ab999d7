import { Prisma } from "@mien/db";
import { decodeRgb } from "../decode.ts";
import { Embedder, encodeVector, faceRegion, SCREENING_BACKBONE } from "../embeddings.ts";
import type { StageContext } from "./context.ts";
import { readOriginals, type BatchStage, type Done, type ImageRow } from "./image-batches.ts";

/** Face embeddings (of the detected face when there is one) for the mislabel classifier. */
export class EmbeddingsStage implements BatchStage<Float32Array> {
  readonly name = "embeddings" as const;
  readonly pending = Prisma.sql`NOT EXISTS (SELECT 1 FROM image_embedding e WHERE e."imageId" = image.id AND e.backbone = ${SCREENING_BACKBONE})`;
  private embedder: Embedder | null = null;

  async open(ctx: StageContext): Promise<void> {
    this.embedder = await Embedder.load(ctx.models, SCREENING_BACKBONE);
  }

  async process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<Float32Array | Error>> {
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
    const vectors = await this.embedder!.embed(ok as Exclude<(typeof crops)[number], Error>[]);
    let next = 0;
    return crops.map((c) => (c instanceof Error ? c : vectors.slice(next * dim, ++next * dim)));
  }

  async write(tx: Prisma.TransactionClient, done: readonly Done<Float32Array>[]): Promise<void> {
    const ids = done.map((d) => d.image.id);
    await tx.imageEmbedding.deleteMany({ where: { imageId: { in: ids }, backbone: SCREENING_BACKBONE } });
    await tx.imageEmbedding.createMany({
      data: done.map(({ image, result }) => ({ imageId: image.id, backbone: SCREENING_BACKBONE, vector: new Uint8Array(encodeVector(result)) })),
    });
  }

  async close(): Promise<void> {
    this.embedder?.dispose();
    this.embedder = null;
  }
}

import { Prisma } from "@mien/db";

import { sharpness } from "../blur.ts";
import { decodeRgb, type RgbImage } from "../decode.ts";
import { FaceCounter, type FaceCount } from "../faces.ts";
import type { StageContext } from "./context.ts";
import { readOriginals, type BatchStage, type Done, type ImageRow } from "./image-batches.ts";

/** Face count, best face score and box, and the sharpness, for every image (one decode serves both). */
export class FacesStage implements BatchStage<FaceCount & { sharpness: number }> {
  readonly name = "faces" as const;
  // Images screened before sharpness existed get it on the next run too.
  readonly pending = Prisma.sql`("faceCount" IS NULL OR sharpness IS NULL)`;
  private counter: FaceCounter | null = null;

  async open(ctx: StageContext): Promise<void> {
    this.counter = await FaceCounter.load(ctx.models);
  }

  async process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<(FaceCount & { sharpness: number }) | Error>> {
    const decoded = await Promise.all(
      (await readOriginals(ctx, images)).map((bytes) =>
        bytes instanceof Error ? bytes : decodeRgb(bytes).catch((e: unknown) => new Error(`could not decode: ${(e as Error).message}`)),
      ),
    );
    const ok = decoded.filter((d): d is RgbImage => !(d instanceof Error));
    const [counts, sharp] = await Promise.all([this.counter!.count(ok), Promise.all(ok.map(sharpness))]);
    let next = 0;
    return decoded.map((d) => {
      if (d instanceof Error) return d;
      const i = next++;
      return { ...counts[i]!, sharpness: sharp[i]! };
    });
  }

  async write(tx: Prisma.TransactionClient, done: readonly Done<FaceCount & { sharpness: number }>[]): Promise<void> {
    const rows = done.map(({ image, result }) => ({
      id: image.id,
      faceCount: result.faceCount,
      faceScore: result.faceScore,
      faceBox: result.faceBox ? [result.faceBox.x, result.faceBox.y, result.faceBox.width, result.faceBox.height] : [],
      sharpness: result.sharpness,
    }));
    await tx.$executeRaw`
      UPDATE image AS i SET "faceCount" = v."faceCount", "faceScore" = v."faceScore", "faceBox" = v."faceBox", sharpness = v.sharpness
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id uuid, "faceCount" int, "faceScore" float8, "faceBox" float8[], sharpness float8)
      WHERE i.id = v.id`;
  }

  async close(): Promise<void> {
    this.counter?.dispose();
    this.counter = null;
  }
}

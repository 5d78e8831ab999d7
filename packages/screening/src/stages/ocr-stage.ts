import { Prisma } from "@mien/db";

import { TextReader, type TextReading } from "../ocr.ts";
import type { StageContext } from "./context.ts";
import { readOriginals, type BatchStage, type Done, type ImageRow } from "./image-batches.ts";

/** Text over the face: an OCR score and the words read, for every image. */
export class OcrStage implements BatchStage<TextReading> {
  readonly name = "ocr" as const;
  readonly pending = Prisma.sql`"ocrScore" IS NULL`;
  private reader: TextReader | null = null;

  async open(ctx: StageContext): Promise<void> {
    this.reader = await TextReader.create(ctx.options.ocrWorkers);
  }

  async process(images: readonly ImageRow[], ctx: StageContext): Promise<Array<TextReading | Error>> {
    const originals = await readOriginals(ctx, images);
    return Promise.all(
      originals.map((bytes) =>
        bytes instanceof Error ? bytes : this.reader!.read(bytes).catch((e: unknown) => new Error(`could not read text: ${(e as Error).message}`)),
      ),
    );
  }

  async write(tx: Prisma.TransactionClient, done: readonly Done<TextReading>[]): Promise<void> {
    const rows = done.map(({ image, result }) => ({ id: image.id, score: result.score, text: result.text }));
    await tx.$executeRaw`
      UPDATE image AS i SET "ocrScore" = v.score, "ocrText" = NULLIF(v.text, '')
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id uuid, score float8, text text)
      WHERE i.id = v.id`;
  }

  async close(): Promise<void> {
    await this.reader?.close();
    this.reader = null;
  }
}

import type { Db } from "@mien/db";

import type { SplitName } from "../types.ts";

export interface ImageRow {
  sha256: string;
  storageKey: string;
  thumbKey: string;
  mimeType: string;
  width: number;
  height: number;
  sourcePath: string;
  sourceLabel: string;
  sourceClass: string;
  label: string;
  split: SplitName | null;
  phash: bigint;
  phashCrops: bigint[];
  blurScore: number;
  contrast: number;
  importRunId: string;
}

/**
 * Inserts a batch of images in one statement (one array parameter per column),
 * skipping content that is already stored. Returns how many rows were new.
 * Same effect as createMany({ skipDuplicates: true }), at a fraction of the
 * client-side cost per row, which matters at hundreds of images a second.
 */
export async function insertImages(db: Db, rows: ImageRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = <K extends keyof ImageRow>(k: K) => rows.map((r) => r[k]);
  return db.$executeRawUnsafe(
    `INSERT INTO image (id, sha256, "storageKey", "thumbKey", "mimeType", width, height, "sourcePath", "sourceLabel",
       "sourceClass", label, split, phash, "phashCrops", "blurScore", contrast, "importRunId", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), t.sha256, t."storageKey", t."thumbKey", t."mimeType", t.width, t.height, t."sourcePath", t."sourceLabel",
       t."sourceClass", t.label, t.split, t.phash, string_to_array(t.crops, ',')::bigint[], t."blurScore", t.contrast, t."importRunId", now(), now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[],
       $9::text[], $10::text[], $11::"Split"[], $12::bigint[], $13::float8[], $14::float8[], $15::uuid[], $16::text[])
       AS t(sha256, "storageKey", "thumbKey", "mimeType", width, height, "sourcePath", "sourceLabel", "sourceClass", label, split, phash,
         "blurScore", contrast, "importRunId", crops)
     ON CONFLICT (sha256) DO NOTHING`,
    col("sha256"),
    col("storageKey"),
    col("thumbKey"),
    col("mimeType"),
    col("width"),
    col("height"),
    col("sourcePath"),
    col("sourceLabel"),
    col("sourceClass"),
    col("label"),
    col("split"),
    rows.map((r) => r.phash.toString()), // as text: bigint travels safely through every driver layer
    col("blurScore"),
    col("contrast"),
    col("importRunId"),
    // One comma-joined text per row: unnest would flatten a two-dimensional array.
    rows.map((r) => r.phashCrops.join(",")),
  );
}

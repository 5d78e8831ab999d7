import { cropHashes } from "@mien/dataset";
import { Prisma } from "@mien/db";

import { greySquare } from "../decode.ts";
import { candidatePairs, confirmPair, groupsOf, VERIFY_SIZE, type HashPair } from "../duplicates.ts";
import { THRESHOLDS } from "../thresholds.ts";
import { stageKey, type GlobalStage, type StageContext } from "./context.ts";

interface HashRow {
  id: string;
  phash: bigint;
  phashCrops: bigint[];
  thumbKey: string;
  pixels: number;
  blurScore: number;
}

/** The importer's grey working size (dataset BLUR_SIZE), for crop hashes made here. */
const CROP_SOURCE_SIZE = 64;
const PAGE = 50_000;

/**
 * Near-duplicate groups over the whole set: candidate pairs from the stored pHashes and crop
 * hashes (multi-index hashing; crops find copies cut a few per cent smaller), confirmed on the thumbnails' 48×48 grey pixels, then joined into groups. Each group
 * keeps its largest, then sharpest image; the others are its duplicates.
 */
export class DuplicatesStage implements GlobalStage {
  readonly name = "duplicates" as const;

  async run(ctx: StageContext): Promise<void> {
    const { db, runId } = ctx;
    const started = performance.now();
    await db.screeningStage.update({ where: stageKey(runId, this.name), data: { startedAt: new Date() } });
    const rows = await loadHashes(ctx);
    const candidates = await candidatesOf(ctx, rows);
    ctx.log(`duplicates: ${candidates.length} candidate pairs among ${rows.length} images`);
    const confirmed = await this.confirm(ctx, rows, candidates);
    const group = groupsOf(rows.length, confirmed);

    // Members of each group, then its keeper: most pixels, then sharpest, then lowest id.
    const members = new Map<number, number[]>();
    group.forEach((g, i) => {
      if (g < 0) return;
      const list = members.get(g);
      if (list) list.push(i);
      else members.set(g, [i]);
    });
    const ids: string[] = [];
    const groups: string[] = [];
    for (const list of members.values()) {
      const keeper = [...list].sort((a, b) => rows[b]!.pixels - rows[a]!.pixels || rows[b]!.blurScore - rows[a]!.blurScore || a - b)[0]!;
      for (const i of list) {
        ids.push(rows[i]!.id);
        groups.push(rows[keeper]!.id);
      }
    }
    const detail = {
      images: rows.length,
      candidatePairs: candidates.length,
      confirmedPairs: confirmed.length,
      groups: members.size,
      imagesInGroups: ids.length,
      hamming: THRESHOLDS.duplicateHamming,
      correlation: THRESHOLDS.duplicateCorrelation,
    };
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE image SET "duplicateGroup" = NULL WHERE "duplicateGroup" IS NOT NULL`;
        for (let i = 0; i < ids.length; i += 10_000) {
          await tx.$executeRaw`
            UPDATE image AS i SET "duplicateGroup" = v.g
            FROM unnest(${ids.slice(i, i + 10_000)}::uuid[], ${groups.slice(i, i + 10_000)}::uuid[]) AS v(id, g)
            WHERE i.id = v.id`;
        }
        await tx.screeningStage.update({
          where: stageKey(runId, this.name),
          data: { done: true, finishedAt: new Date(), processed: rows.length, total: rows.length, seconds: (performance.now() - started) / 1000, detail },
        });
      },
      { timeout: 120_000 },
    );
    ctx.log(`duplicates: ${members.size} groups holding ${ids.length} images`);
  }

  /** Keeps the candidate pairs whose thumbnails correlate at least THRESHOLDS.duplicateCorrelation. */
  private async confirm(ctx: StageContext, rows: readonly HashRow[], candidates: readonly HashPair[]): Promise<HashPair[]> {
    const pixels = new Map<number, Promise<Uint8Array | null>>();
    const load = (i: number) => {
      let p = pixels.get(i);
      if (!p) {
        // A missing or broken thumbnail cannot confirm anything: treat the pair as unconfirmed.
        p = ctx.storage
          .get(rows[i]!.thumbKey)
          .then((b) => greySquare(b, VERIFY_SIZE))
          .catch(() => null);
        pixels.set(i, p);
      }
      return p;
    };
    const confirmed: HashPair[] = [];
    const step = 256;
    for (let k = 0; k < candidates.length; k += step) {
      const slice = candidates.slice(k, k + step);
      const checks = await Promise.all(
        slice.map(async (pair) => {
          const [a, b] = await Promise.all([load(pair.a), load(pair.b)]);
          return a !== null && b !== null && confirmPair(a, b).confirmed;
        }),
      );
      slice.forEach((pair, i) => checks[i] && confirmed.push(pair));
      await ctx.progress(Math.min(candidates.length, k + step), candidates.length, "confirming candidate pairs");
    }
    return confirmed;
  }
}

/** Candidate pairs (see candidatePairs), after giving crop hashes to images imported before they existed. */
async function candidatesOf(ctx: StageContext, rows: HashRow[]): Promise<HashPair[]> {
  // Images imported before crop hashes existed get them from their thumbnail (as the importer would from its 64 px grey image).
  const missing = rows.filter((r) => r.phashCrops.length === 0);
  for (let k = 0; k < missing.length; k += 64) {
    await Promise.all(
      missing.slice(k, k + 64).map(async (r) => {
        const grey = await ctx.storage
          .get(r.thumbKey)
          .then((b) => greySquare(b, CROP_SOURCE_SIZE))
          .catch(() => null);
        if (grey) r.phashCrops = cropHashes(Float64Array.from(grey), CROP_SOURCE_SIZE);
      }),
    );
  }
  return candidatePairs(rows);
}

async function loadHashes(ctx: StageContext): Promise<HashRow[]> {
  const rows: HashRow[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: HashRow[] = await ctx.db.$queryRaw<HashRow[]>`
      SELECT id::text AS id, phash, "phashCrops", "thumbKey", width * height AS pixels, "blurScore" FROM image
      ${cursor ? Prisma.sql`WHERE id > ${cursor}::uuid` : Prisma.empty}
      ORDER BY id LIMIT ${PAGE}`;
    for (const row of page) rows.push(row);
    if (page.length < PAGE) return rows;
    cursor = page.at(-1)!.id;
  }
}

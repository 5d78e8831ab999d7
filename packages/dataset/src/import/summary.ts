import type { Db } from "@mien/db";

import type { ImportCopy, ImportIssue, ImportIssueReason, SplitName } from "../types.ts";

/** The parts of a run's summary that live in the database: every issue (also from before a resume) and the per-split class counts. */
export async function readSummary(
  db: Db,
  runId: string,
): Promise<{ runId: string; issues: ImportIssue[]; copyList: ImportCopy[]; bySplit: Record<string, Record<string, number>> }> {
  const issues = await db.importIssue.findMany({
    where: { importRunId: runId },
    orderBy: [{ reason: "asc" }, { path: "asc" }],
    select: { path: true, reason: true, detail: true },
  });
  const copies = await db.$queryRaw<
    Array<{ path: string; label: string; split: SplitName | null; ofPath: string; ofLabel: string; ofSplit: SplitName | null }>
  >`
    SELECT c."sourcePath" AS path, c.label, c.split::text AS split, i."sourcePath" AS "ofPath", i.label AS "ofLabel", i.split::text AS "ofSplit"
    FROM image_copy c JOIN image i ON i.sha256 = c.sha256
    WHERE c."importRunId" = ${runId}::uuid
    ORDER BY c."sourcePath"`;
  const groups = await db.image.groupBy({ by: ["split", "label"], where: { importRunId: runId }, _count: { _all: true } });
  const bySplit: Record<string, Record<string, number>> = {};
  for (const g of groups) {
    const split = g.split ?? "none";
    (bySplit[split] ??= {})[g.label] = g._count._all;
  }
  return {
    runId,
    issues: issues.map((i) => ({ ...i, reason: i.reason as ImportIssueReason })),
    copyList: copies.map((c) => ({ path: c.path, label: c.label, split: c.split, of: { path: c.ofPath, label: c.ofLabel, split: c.ofSplit } })),
    bySplit,
  };
}

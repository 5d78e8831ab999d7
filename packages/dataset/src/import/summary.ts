import type { Db } from "@mien/db";
import type { ImportIssue, ImportIssueReason } from "../types.ts";

/** The parts of a run's summary that live in the database: every issue (also from before a resume) and the per-split class counts. */
export async function readSummary(db: Db, runId: string): Promise<{ runId: string; issues: ImportIssue[]; bySplit: Record<string, Record<string, number>> }> {
  const issues = await db.importIssue.findMany({
    where: { importRunId: runId },
    orderBy: [{ reason: "asc" }, { path: "asc" }],
    select: { path: true, reason: true, detail: true },
  });
  const groups = await db.image.groupBy({ by: ["split", "label"], where: { importRunId: runId }, _count: { _all: true } });
  const bySplit: Record<string, Record<string, number>> = {};
  for (const g of groups) {
    const split = g.split ?? "none";
    (bySplit[split] ??= {})[g.label] = g._count._all;
  }
  return { runId, issues: issues.map((i) => ({ ...i, reason: i.reason as ImportIssueReason })), bySplit };
}

import { EXPRESSION_CLASSES } from "@mien/vocabulary/classes";

import type { ImportIssue, ImportSummary } from "../types.ts";

const n = (v: number) => v.toLocaleString("en-US");

/** Issues by reason, biggest group first. */
export function groupIssues(issues: ImportIssue[]): Array<{ reason: string; issues: ImportIssue[] }> {
  const groups = new Map<string, ImportIssue[]>();
  for (const i of issues) {
    let g = groups.get(i.reason);
    if (!g) groups.set(i.reason, (g = []));
    g.push(i);
  }
  return [...groups].map(([reason, list]) => ({ reason, issues: list })).sort((a, b) => b.issues.length - a.issues.length);
}

/** The human-readable end-of-import report: counts, a split × class table, and issues grouped by reason. */
export function formatSummary(summary: ImportSummary, options: { reportPath?: string; pathsPerReason?: number } = {}): string {
  const perReason = options.pathsPerReason ?? 5;
  const lines: string[] = [];
  lines.push(
    `Import ${summary.runId} (${summary.layout}${summary.resumed ? ", resumed" : ""}): ` +
      `${n(summary.imported)} imported${summary.copies ? ` + ${n(summary.copies)} identical copies` : ""}, ` +
      `${n(summary.skipped)} skipped (already in the library), ${n(summary.failed)} not imported; ` +
      `${n(summary.imported + summary.copies)} of ${n(summary.seen)} files and rows stored.`,
  );

  const splits = Object.keys(summary.bySplit).sort((a, b) => order(a) - order(b));
  if (splits.length > 0) {
    const classes = EXPRESSION_CLASSES.filter((c) => splits.some((s) => summary.bySplit[s]![c]));
    const header = ["", ...classes, "total"];
    const rows = splits.map((s) => {
      const counts = classes.map((c) => summary.bySplit[s]![c] ?? 0);
      return [s, ...counts.map(n), n(counts.reduce((a, b) => a + b, 0))];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
    lines.push("", "Images stored by this run, per split and class:", fmt(header), ...rows.map(fmt));
  }

  if (summary.copyList.length > 0) {
    // Disagreeing labels first: those are what a curator needs to look at.
    const disagree = summary.copyList.filter((c) => c.label !== c.of.label);
    // Layouts without splits deal them after the import, so only source splits can differ.
    const crossSplit = summary.copyList.filter((c) => c.split !== null && c.split !== c.of.split);
    lines.push(
      "",
      `Identical copies (${n(summary.copyList.length)}): stored once, each file kept with its own label and split and linked to the image` +
        ` (${n(disagree.length)} with a different label` +
        (crossSplit.length ? `, ${n(crossSplit.length)} in another split, where the evaluation split's file is the stored one):` : "):"),
    );
    const shown = [...disagree, ...summary.copyList.filter((c) => c.label === c.of.label)].slice(0, perReason);
    for (const c of shown) {
      const note = c.label !== c.of.label ? ` (labels disagree: ${c.label} here, ${c.of.label} there)` : "";
      lines.push(`    ${c.path} = ${c.of.path}${note}`);
    }
    if (summary.copyList.length > perReason) lines.push(`    … and ${n(summary.copyList.length - perReason)} more`);
  }

  if (summary.issues.length > 0) {
    lines.push("", "Not imported, by reason:");
    for (const g of groupIssues(summary.issues)) {
      lines.push(`  ${g.reason} (${n(g.issues.length)})`);
      for (const i of g.issues.slice(0, perReason)) lines.push(`    ${i.path}: ${i.detail}`);
      if (g.issues.length > perReason) lines.push(`    … and ${n(g.issues.length - perReason)} more`);
    }
  }
  if (options.reportPath) lines.push("", `Full report: ${options.reportPath}`);
  return lines.join("\n");
}

function order(split: string): number {
  const i = ["train", "val", "test"].indexOf(split);
  return i < 0 ? 3 : i;
}

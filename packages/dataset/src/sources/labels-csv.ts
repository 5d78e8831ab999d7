import { extname, join, posix, relative } from "node:path";

import { normalizeLabel, type ExpressionClass } from "@mien/vocabulary/classes";

import { IMAGE_EXTENSIONS } from "../image/format.ts";
import { headerWidth, leavesBase, readCsvRows, type CsvColumns } from "../layout/csv.ts";
import type { ImportIssue } from "../types.ts";
import { LabelScan, type LabelMap } from "./labels.ts";
import type { ImportSource, SourceItem } from "./source.ts";
import { toPosix, walkFiles } from "./walk.ts";

interface Named {
  line: number;
  rawLabel: string;
  label: ExpressionClass | null;
  /** Later rows naming the same file. */
  repeats?: Array<{ line: number; rawLabel: string }>;
}

/**
 * A labels CSV. The pre-pass streams the CSV once, checking labels and noting
 * repeated rows; it keeps one small entry per named file (needed to find
 * repeats and the image files no row names), then walks the image folder for
 * those unnamed files.
 */
export async function labelsCsvSource(root: string, csv: { path: string; columns: CsvColumns; imageBase: string }, map: LabelMap): Promise<ImportSource> {
  const csvName = toPosix(relative(root, csv.path));
  const scan = new LabelScan(map);
  const named = new Map<string, Named>();
  const early: Array<{ issue: ImportIssue; items?: number }> = [];
  const relToRoot = (key: string) => toPosix(relative(root, join(csv.imageBase, key)));

  // A row with more cells than the header (an unquoted delimiter in a name) or fewer (a cut-off line) has
  // shifted or missing cells: its image and label cannot be trusted, so it is reported rather than guessed.
  const headerCells = headerWidth(csv.columns);
  for await (const row of readCsvRows(csv.path, csv.columns)) {
    if (row.cells !== headerCells) {
      early.push({
        issue: {
          path: `${csvName}:${row.line}`,
          reason: "bad-row",
          detail: `${csvName} line ${row.line} has ${row.cells} cells where the header has ${headerCells}; quote a value that contains the delimiter`,
        },
      });
      continue;
    }
    if (!row.image || !row.label) {
      const cell = !row.image ? "image" : "label";
      early.push({ issue: { path: `${csvName}:${row.line}`, reason: "bad-row", detail: `${csvName} line ${row.line} has an empty ${cell} cell` } });
      continue;
    }
    const path = row.image.replace(/\\/g, "/");
    const key = posix.normalize(path);
    if (leavesBase(path)) {
      early.push({ issue: { path: row.image, reason: "outside-root", detail: `${csvName} line ${row.line} names a path outside the import folder` } });
      continue;
    }
    const first = named.get(key);
    if (first) {
      (first.repeats ??= []).push({ line: row.line, rawLabel: row.label });
      continue;
    }
    named.set(key, { line: row.line, rawLabel: row.label, label: scan.resolve(row.label) });
  }
  scan.assertAllKnown();

  for (const [key, n] of named) {
    if (!n.repeats) continue;
    // "happy" and "Happiness" agree; only different classes are a conflict worth flagging.
    const labels = new Set([n.rawLabel, ...n.repeats.map((r) => r.rawLabel)].map((l) => normalizeLabel(l, map) ?? l.toLowerCase()));
    const lines = n.repeats.map((r) => r.line).join(", ");
    const differ =
      labels.size > 1
        ? `; the labels differ (${[n.rawLabel, ...n.repeats.map((r) => r.rawLabel)].map((l) => JSON.stringify(l)).join(" vs ")}), the first row's "${n.rawLabel}" was used`
        : "";
    early.push({
      issue: {
        path: relToRoot(key),
        reason: "duplicate-row",
        detail: `${csvName} names this file again on line${n.repeats.length > 1 ? "s" : ""} ${lines} (first on line ${n.line})${differ}`,
      },
      items: n.repeats.length,
    });
  }

  // Image files no row names. Paths are compared relative to the image folder, as the CSV gives them.
  const baseRel = toPosix(relative(root, csv.imageBase));
  for await (const entry of walkFiles(csv.imageBase, root)) {
    if (!("file" in entry)) {
      // A file or folder that cannot be opened by name (e.g. not valid UTF-8) can be neither named nor read: say so.
      if (entry.issue.reason === "unreadable") early.push(entry);
      continue;
    }
    const key = baseRel ? entry.file.rel.slice(baseRel.length + 1) : entry.file.rel;
    if (named.has(key) || !IMAGE_EXTENSIONS.has(extname(key).slice(1).toLowerCase())) continue;
    early.push({ issue: { path: entry.file.rel, reason: "unlabelled-file", detail: `no row of ${csvName} names this file, so it has no label` } });
  }

  const total = early.reduce((n, e) => n + (e.items ?? 1), 0) + named.size;
  return {
    layout: "labels-csv",
    total,
    async *items(): AsyncGenerator<SourceItem> {
      yield* early;
      for (const [key, n] of named) {
        yield {
          file: {
            abs: join(csv.imageBase, key),
            rel: relToRoot(key),
            rawLabel: n.rawLabel,
            label: n.label!,
            split: null,
            mustResolve: true,
            origin: `${csvName} line ${n.line}`,
          },
        };
      }
    },
  };
}

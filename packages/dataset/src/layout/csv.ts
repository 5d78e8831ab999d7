import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { isAbsolute, posix } from "node:path";

import { parse, type Options } from "csv-parse";

import { LayoutError } from "../errors.ts";

// Header names (folded to letters and digits) that hold the image path and the label, in order of preference.
const IMAGE_COLUMNS = ["image", "pth", "path", "file", "filename", "filepath", "imagepath", "imagename", "imagefile", "img", "imgpath"];
const LABEL_COLUMNS = ["label", "emotion", "expression", "class", "classname", "category"];

export interface CsvColumns {
  delimiter: string;
  header: string[];
  image: number;
  label: number;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Picks the delimiter from the header line: whichever of , ; tab it contains most. */
function guessDelimiter(firstLine: string): string {
  const count = (d: string) => firstLine.split(d).length - 1;
  return [",", ";", "\t"].reduce((best, d) => (count(d) > count(best) ? d : best), ",");
}

async function readFirstLine(path: string): Promise<string> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return (
      buf
        .subarray(0, bytesRead)
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .split(/\r?\n/)[0] ?? ""
    );
  } finally {
    await fh.close();
  }
}

/** The image and label columns, or `problem`: which is missing and what columns the file does have. */
export async function readCsvColumns(path: string): Promise<{ columns: CsvColumns } | { problem: string }> {
  const line = await readFirstLine(path);
  const delimiter = guessDelimiter(line);
  let header: string[] = [];
  for await (const record of parse(line, { delimiter, bom: true, trim: true, relax_quotes: true, relax_column_count: true })) {
    header = record as string[];
    break;
  }
  const folded = header.map(fold);
  const find = (names: string[]) => {
    for (const n of names) {
      const i = folded.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const image = find(IMAGE_COLUMNS);
  const label = find(LABEL_COLUMNS);
  if (image >= 0 && label >= 0) return { columns: { delimiter, header, image, label } };
  const missing = [
    image < 0 ? `no image column (one of: ${IMAGE_COLUMNS.join(", ")})` : "",
    label < 0 ? `no label column (one of: ${LABEL_COLUMNS.join(", ")})` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  const found = header.length ? header.map((h) => JSON.stringify(h)).join(", ") : "none (the file is empty)";
  return { problem: `has ${missing}. Columns found: ${found}. Rename the header, e.g. to "image,label".` };
}

export async function requireCsvColumns(path: string): Promise<CsvColumns> {
  const r = await readCsvColumns(path);
  if ("problem" in r) throw new LayoutError(`${path} ${r.problem}`);
  return r.columns;
}

/** A CSV image path that leaves the folder it is relative to: absolute, a drive, or climbing out with "..". */
export function leavesBase(path: string): boolean {
  const slashed = path.replace(/\\/g, "/");
  const key = posix.normalize(slashed);
  return isAbsolute(slashed) || /^[A-Za-z]:/.test(slashed) || key === ".." || key.startsWith("../");
}

export interface CsvRow {
  /** 1-based line number in the file, for the report. */
  line: number;
  image: string;
  label: string;
  /** How many cells the row has; a well-formed row has headerWidth(columns). */
  cells: number;
}

/** Header cells up to the last named one: a trailing delimiter (as some spreadsheets write) adds none. */
export function headerWidth(columns: CsvColumns): number {
  let n = columns.header.length;
  while (n > 0 && columns.header[n - 1] === "") n--;
  return n;
}

/** A row's cells, not counting empty ones past the header's width (trailing delimiters). */
function cellCount(record: string[], width: number): number {
  let n = record.length;
  while (n > width && record[n - 1] === "") n--;
  return n;
}

/** Streams the data rows (header skipped) without loading the file. */
export async function* readCsvRows(path: string, columns: CsvColumns): AsyncGenerator<CsvRow> {
  const options: Options = {
    delimiter: columns.delimiter,
    bom: true,
    trim: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    from_line: 2,
    info: true,
  };
  const width = headerWidth(columns);
  const file = createReadStream(path);
  const parser = file.pipe(parse(options));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { line: info.lines, image: record[columns.image] ?? "", label: record[columns.label] ?? "", cells: cellCount(record, width) };
    }
  } finally {
    // A caller that stops early (e.g. after sampling a few rows) must not leave the file open.
    file.destroy();
    parser.destroy();
  }
}

/**
 * Each image a CSV legend names, with its label as `normalise` gives it, or null when its rows
 * disagree (or `normalise` knows none of them). Rows with an empty image or label cell are skipped.
 * For benches that sample a labelled corpus such as facial_expressions' legend.csv.
 */
export async function legendLabels<L>(path: string, normalise: (raw: string) => L | null): Promise<Map<string, L | null>> {
  const columns = await requireCsvColumns(path);
  const labels = new Map<string, L | null>();
  for await (const row of readCsvRows(path, columns)) {
    if (!row.image || !row.label) continue;
    const label = normalise(row.label);
    const seen = labels.get(row.image);
    labels.set(row.image, seen === undefined || seen === label ? label : null);
  }
  return labels;
}

import { access, opendir, realpath, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

import { normalizeLabel } from "@mien/vocabulary/classes";

import { LayoutError } from "../errors.ts";
import { isIgnoredName } from "../sources/walk.ts";
import type { ImportLayout } from "../types.ts";
import { leavesBase, readCsvColumns, readCsvRows, type CsvColumns } from "./csv.ts";
import { splitFromFolder } from "./splits.ts";

export interface DetectedLayout {
  layout: ImportLayout;
  /** Real path of what was given (folder or CSV); an interrupted run is resumed by this. */
  source: string;
  /** Real path of the folder that image paths are relative to in the report and the database. */
  root: string;
  csv?: {
    path: string;
    columns: CsvColumns;
    /** Folder the CSV's image paths resolve against: the CSV's folder, or its `images/` folder. */
    imageBase: string;
  };
}

// Where a CSV's bare file names are usually found, relative to the CSV.
const IMAGE_BASE_CANDIDATES = ["", "images", "Images", "imgs", "img"];
const CSV_PREFERENCE = ["labels.csv", "legend.csv"];

/**
 * Works out how a folder is organised: a labels CSV (image + label columns) if
 * there is a usable one at the top, otherwise class folders, optionally under
 * train/val/test folders. Reads only the top folder and the CSV header.
 */
export async function detectLayout(path: string): Promise<DetectedLayout> {
  let source: string;
  try {
    source = await realpath(path);
  } catch {
    throw new LayoutError(`${path} does not exist. Give a folder of class folders, a folder with a labels CSV, or the CSV itself.`);
  }
  const info = await stat(source);
  if (info.isFile()) {
    if (extname(source).toLowerCase() !== ".csv") {
      throw new LayoutError(`${path} is a file but not a .csv. Give a folder, or a labels CSV with image and label columns.`);
    }
    const r = await readCsvColumns(source);
    if ("problem" in r) throw new LayoutError(`${basename(source)} ${r.problem}`);
    return csvLayout(source, dirname(source), source, r.columns);
  }

  const csvs: string[] = [];
  let classLike = 0;
  let folders = 0;
  for await (const entry of await opendir(source)) {
    if (isIgnoredName(entry.name)) continue;
    if (entry.isFile() && extname(entry.name).toLowerCase() === ".csv") csvs.push(entry.name);
    else if (entry.isDirectory() || entry.isSymbolicLink()) {
      folders++;
      if (splitFromFolder(entry.name) || normalizeLabel(entry.name)) classLike++;
    }
  }
  csvs.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const problems: string[] = [];
  for (const name of csvs) {
    const r = await readCsvColumns(join(source, name));
    if ("columns" in r) return csvLayout(source, source, join(source, name), r.columns);
    problems.push(`${name} ${r.problem}`);
  }
  // Class folders win over an unusable CSV only when the folders look like classes or splits.
  if (folders > 0 && (csvs.length === 0 || classLike > 0)) return { layout: "class-folders", source, root: source };
  if (problems.length > 0) throw new LayoutError(problems.join("\n"));
  throw new LayoutError(
    `No images found in ${path}: expected class folders (<class>/*.jpg, optionally under train/ val/ test/) or a labels CSV with image and label columns.`,
  );
}

function rank(name: string): number {
  const i = CSV_PREFERENCE.indexOf(name.toLowerCase());
  return i < 0 ? CSV_PREFERENCE.length : i;
}

async function csvLayout(source: string, root: string, csvPath: string, columns: CsvColumns): Promise<DetectedLayout> {
  return { layout: "labels-csv", source, root, csv: { path: csvPath, columns, imageBase: await findImageBase(root, csvPath, columns) } };
}

/** Tries the first rows' paths against the usual places; the CSV's own folder if none match. */
async function findImageBase(root: string, csvPath: string, columns: CsvColumns): Promise<string> {
  const sample: string[] = [];
  for await (const row of readCsvRows(csvPath, columns)) {
    // A row pointing outside (../x.jpg) must not decide where the others are; it is refused later anyway.
    if (row.image && !leavesBase(row.image)) sample.push(row.image.replace(/\\/g, "/"));
    if (sample.length >= 20) break;
  }
  for (const candidate of IMAGE_BASE_CANDIDATES) {
    const base = join(root, candidate);
    for (const image of sample) {
      if (
        await access(join(base, image)).then(
          () => true,
          () => false,
        )
      )
        return base;
    }
  }
  return root;
}

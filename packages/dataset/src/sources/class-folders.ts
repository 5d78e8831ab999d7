import { extname } from "node:path";

import { normalizeLabel } from "@mien/vocabulary/classes";

import { IMAGE_EXTENSIONS } from "../image/format.ts";
import { splitFromFolder } from "../layout/splits.ts";
import type { SplitName } from "../types.ts";
import { LabelScan, type LabelMap } from "./labels.ts";
import type { ImportSource, SourceItem } from "./source.ts";
import { walkFiles } from "./walk.ts";

interface Placement {
  split: SplitName | null;
  /** The class folder's name, or null for a file outside any class folder. */
  classFolder: string | null;
}

/** root/<class>/… or root/<split>/<class>/…; deeper folders inherit the class. */
function place(rel: string): Placement {
  const parts = rel.split("/");
  const split = splitFromFolder(parts[0]!);
  if (split) return { split, classFolder: parts.length >= 3 ? parts[1]! : null };
  return { split: null, classFolder: parts.length >= 2 ? parts[0]! : null };
}

function isImageName(rel: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(rel).slice(1).toLowerCase());
}

// Evaluation splits first: when the same picture sits in train and in test, the
// test copy is kept and the train copy reported, so evaluation sets stay whole.
const SPLIT_ORDER = { test: 0, val: 1, train: 2 } as const;

function compareFolders(a: string, b: string): number {
  const rank = (name: string) => {
    const split = splitFromFolder(name);
    return split ? SPLIT_ORDER[split] : 3;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

type Entry = { kind: "image"; split: SplitName | null; classFolder: string } | { kind: "outside-class" } | { kind: "other-file" } | { kind: "ignore" };

function classify(rel: string): Entry {
  const { split, classFolder } = place(rel);
  const image = isImageName(rel);
  if (classFolder === null) return image ? { kind: "outside-class" } : { kind: "ignore" }; // README, LICENSE… next to the folders
  return image ? { kind: "image", split, classFolder } : { kind: "other-file" };
}

/**
 * Class folders: a first walk counts files and checks every folder name is a
 * known label (or mapped) before anything is imported; the second walk streams.
 */
export async function classFolderSource(root: string, map: LabelMap): Promise<ImportSource> {
  const scan = new LabelScan(map);
  let total = 0;
  for await (const entry of walkFiles(root, root, compareFolders)) {
    const c = "file" in entry ? classify(entry.file.rel) : null;
    if (c?.kind === "ignore") continue;
    total++;
    if (c?.kind === "image") scan.resolve(c.classFolder);
  }
  scan.assertAllKnown();

  return {
    layout: "class-folders",
    total,
    async *items(): AsyncGenerator<SourceItem> {
      for await (const entry of walkFiles(root, root, compareFolders)) {
        if ("issue" in entry) {
          yield entry;
          continue;
        }
        const { abs, rel } = entry.file;
        const c = classify(rel);
        if (c.kind === "ignore") continue;
        if (c.kind === "other-file") {
          yield {
            issue: {
              path: rel,
              reason: "not-an-image",
              detail: `not an image file type (${extname(rel) || "no extension"}); expected .jpg, .png, .webp, .gif, .tiff or .avif`,
            },
          };
        } else if (c.kind === "outside-class") {
          yield { issue: { path: rel, reason: "unlabelled-file", detail: "not inside a class folder, so it has no label; move it into <class>/" } };
        } else {
          // Every class folder's label was checked by the first walk.
          const label = normalizeLabel(c.classFolder, map)!;
          yield { file: { abs, rel, rawLabel: c.classFolder, label, split: c.split, mustResolve: false } };
        }
      }
    },
  };
}

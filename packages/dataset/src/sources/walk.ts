import { opendir, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { ImportIssue } from "../types.ts";

export type WalkEntry = { file: { abs: string; rel: string } } | { issue: ImportIssue };

// System clutter that is never data and not worth a report line.
const IGNORED = new Set(["Thumbs.db", "desktop.ini", "__MACOSX"]);

export function isIgnoredName(name: string): boolean {
  return name.startsWith(".") || IGNORED.has(name);
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}

export function toPosix(rel: string): string {
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/**
 * Streams every file under `dir` (a real path inside `root`) with fs.opendir,
 * holding only the folders still to visit, never the file list. Symlinks are
 * followed only when their target stays inside `root`; escaping ones are
 * reported. `rel` is relative to `root`, slash-separated.
 *
 * Files come in the folder's own order; sub-folders are visited in `compareDirs`
 * order (default: by name), so which of two identical files is met first does
 * not depend on the filesystem more than it must.
 */
export async function* walkFiles(
  dir: string,
  root: string,
  compareDirs: (a: string, b: string) => number = (a, b) => a.localeCompare(b),
): AsyncGenerator<WalkEntry> {
  const stack = [dir];
  const visited = new Set<string>([dir]);
  while (stack.length > 0) {
    const current = stack.pop()!;
    let handle;
    try {
      handle = await opendir(current);
    } catch (err) {
      yield { issue: { path: toPosix(relative(root, current)), reason: "unreadable", detail: `cannot open folder: ${(err as Error).message}` } };
      continue;
    }
    const subdirs: string[] = [];
    for await (const entry of handle) {
      if (isIgnoredName(entry.name)) continue;
      const abs = join(current, entry.name);
      const rel = toPosix(relative(root, abs));
      if (entry.isDirectory()) {
        subdirs.push(entry.name);
      } else if (entry.isFile()) {
        yield { file: { abs, rel } };
      } else if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(abs);
        } catch {
          yield { issue: { path: rel, reason: "missing-file", detail: "broken symlink: its target does not exist" } };
          continue;
        }
        if (!isInside(target, root)) {
          yield { issue: { path: rel, reason: "outside-root", detail: `symlink to ${target}, outside the import folder; copy the file in instead` } };
          continue;
        }
        const s = await stat(target);
        if (s.isDirectory()) {
          // Several links may lead to one folder, or a link to its own ancestor: visit each folder once.
          if (!visited.has(target)) {
            visited.add(target);
            subdirs.push(entry.name);
          }
        } else if (s.isFile()) {
          yield { file: { abs, rel } };
        }
      }
    }
    // Reversed onto the stack, so the first in order is visited next.
    subdirs.sort(compareDirs);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(join(current, subdirs[i]!));
  }
}

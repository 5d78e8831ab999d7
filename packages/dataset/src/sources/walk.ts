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
 */
export async function* walkFiles(dir: string, root: string): AsyncGenerator<WalkEntry> {
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
    for await (const entry of handle) {
      if (isIgnoredName(entry.name)) continue;
      const abs = join(current, entry.name);
      const rel = toPosix(relative(root, abs));
      if (entry.isDirectory()) {
        stack.push(abs);
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
            stack.push(abs);
          }
        } else if (s.isFile()) {
          yield { file: { abs, rel } };
        }
      }
    }
  }
}

import { lstat, opendir, readdir, realpath, stat } from "node:fs/promises";
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

/** A file name's bytes as text: valid UTF-8 as it is, every other byte as \xNN (so the report stays faithful). */
function escapeName(raw: Buffer): string {
  let out = "";
  for (let i = 0; i < raw.length;) {
    const lead = raw[i]!;
    const size = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    const text = size && i + size <= raw.length ? raw.subarray(i, i + size).toString("utf8") : "";
    // One code point that decodes without a replacement character: the bytes were valid UTF-8.
    if (text && !text.includes("\uFFFD")) {
      out += text;
      i += size;
    } else {
      out += `\\x${lead.toString(16).padStart(2, "0")}`;
      i++;
    }
  }
  return out;
}

/**
 * The escaped name of a directory entry whose bytes are not valid UTF-8, or null for a normal name.
 * Node hands such names over with U+FFFD in place of the bad bytes, and that string names no file.
 */
async function undecodableName(dir: string, name: string): Promise<string | null> {
  if (!name.includes("\uFFFD")) return null;
  if (
    await lstat(join(dir, name)).then(
      () => true,
      () => false,
    )
  )
    return null; // a real U+FFFD in a valid name
  const raw = (await readdir(dir, { encoding: "buffer" })).find((b) => b.toString("utf8") === name);
  return raw ? escapeName(raw) : name;
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
      const escaped = await undecodableName(current, entry.name);
      if (escaped !== null) {
        const what = entry.isDirectory() ? "folder (none of its files were read)" : "file";
        const path = toPosix(relative(root, join(current, escaped)));
        yield {
          issue: {
            path,
            reason: "unreadable",
            detail: `this ${what} has a name that is not valid UTF-8 (bad bytes shown as \\xNN), so it cannot be opened by name; rename it to UTF-8 (e.g. with convmv) and import again`,
          },
        };
        continue;
      }
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

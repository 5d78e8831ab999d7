import fs from "node:fs";
import { mkdir, opendir, readFile, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { promisify } from "node:util";

import { assertValidKey, assertValidPrefix } from "./keys.ts";
import { StorageNotFoundError, type Storage } from "./storage.ts";

// The callback API skips fs/promises' FileHandle objects: measurably cheaper when an import writes thousands of files.
const writeFile = promisify(fs.writeFile);
const rename = promisify(fs.rename);

// Temp files sit next to their target so the rename stays on one filesystem (and so is atomic).
const TEMP_SUFFIX = ".mien-tmp";

/** Files under one root folder; keys map to paths below it and can never leave it. */
export class LocalStorage implements Storage {
  readonly driver = "local" as const;
  // Saves a mkdir syscall per write: imports put thousands of files into the same 256 folders.
  private readonly madeDirs = new Set<string>();
  // pid + counter makes temp names unique without asking the OS for random bytes on every write.
  private tempCounter = 0;

  constructor(readonly root: string) {}

  pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split("/"));
  }

  async put(key: string, body: Buffer, _contentType?: string): Promise<void> {
    const path = this.pathOf(key);
    const dir = dirname(path);
    if (!this.madeDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.madeDirs.add(dir);
    }
    const temp = `${path}.${process.pid}.${(this.tempCounter++).toString(36)}${TEMP_SUFFIX}`;
    try {
      await writeFile(temp, body);
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      // The folder may have been removed behind our back (e.g. a test cleaning up); forget it.
      this.madeDirs.delete(dir);
      throw new Error(`Could not write ${key} under ${this.root}: ${(err as Error).message}`, { cause: err });
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err)) throw new StorageNotFoundError(key);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    // Walk only the deepest folder the prefix fully names, then filter by the rest.
    const slash = prefix.lastIndexOf("/");
    const start = slash < 0 ? this.root : join(this.root, ...prefix.slice(0, slash).split("/"));
    const stack = [start];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let handle;
      try {
        handle = await opendir(dir);
      } catch (err) {
        if (isMissing(err)) continue;
        throw err;
      }
      for await (const entry of handle) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          stack.push(path);
        } else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX)) {
          const key = relative(this.root, path).split(sep).join("/");
          if (key.startsWith(prefix)) yield key;
        }
      }
    }
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

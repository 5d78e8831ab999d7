import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, vi } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { REPO_ROOT } from "@mien/env";

export { REPO_ROOT };

/** FER2013 as ../shared/data holds it: `<split>/<class>/<image>`. */
export const FER = join(REPO_ROOT, "..", "shared", "data", "fer2013");

/**
 * Copies real FER2013 faces into `<root>/<split>/<class>/`: the first `n` files of each class in
 * name order (the last `n` with `fromEnd`), of every class unless `classes` names some. Returns `root`.
 */
export function ferFolder(
  root: string,
  split: string,
  n: number,
  { classes, fromEnd = false }: { classes?: readonly string[]; fromEnd?: boolean } = {},
): string {
  for (const cls of classes ?? readdirSync(join(FER, split))) {
    mkdirSync(join(root, split, cls), { recursive: true });
    const names = readdirSync(join(FER, split, cls)).sort();
    for (const f of fromEnd ? names.slice(-n) : names.slice(0, n)) cpSync(join(FER, split, cls, f), join(root, split, cls, f));
  }
  return root;
}

/**
 * A temporary folder for a test file, with MIEN_DATA_DIR (checkpoints, caches) at its `data/`, in
 * this process and in the processes it starts; both are undone after the file's tests.
 */
export function tempDataDir(name: string): string {
  const tmp = mkdtempSync(join(tmpdir(), `mien-cli-${name}-`));
  const previous = process.env.MIEN_DATA_DIR;
  process.env.MIEN_DATA_DIR = join(tmp, "data");
  afterAll(() => {
    if (previous === undefined) delete process.env.MIEN_DATA_DIR;
    else process.env.MIEN_DATA_DIR = previous;
    rmSync(tmp, { recursive: true, force: true });
  });
  return tmp;
}

/** What a CLI command module exports. */
interface Command {
  run(args: string[]): Promise<number>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `pnpm mien <verb> …` in this process (the CLI entry only adds error printing): `commands` maps
 * each verb the test uses to its module. Returns the exit code and what the command printed.
 */
export function inProcessMien(commands: Readonly<Record<string, () => Promise<Command>>>): (args: string[]) => Promise<CliResult> {
  return async (args) => {
    let stdout = "";
    let stderr = "";
    const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void (stdout += `${a.join(" ")}\n`));
    const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void (stderr += `${a.join(" ")}\n`));
    try {
      const [verb, ...rest] = args;
      const load = verb === undefined ? undefined : commands[verb];
      if (!load) throw new Error(`This test runs no "${verb}" command.`);
      return { code: await (await load()).run(rest), stdout, stderr };
    } catch (err) {
      // What main.ts does with an error a command throws.
      return { code: 1, stdout, stderr: `${stderr}${(err as Error).message}\n` };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  };
}

export interface CliSandbox {
  t: TestDatabase;
  /** A temporary folder for the test's own files; `dataDir` is inside it. */
  tmp: string;
  /** MIEN_DATA_DIR: local storage lives in its `storage/` folder. */
  dataDir: string;
  /** Restores the environment, drops the database and removes the temporary folder. */
  close(): Promise<void>;
}

/**
 * A fresh migrated database, a temporary data folder with local storage, and the environment the
 * CLI reads pointing at them (plus `env`), for one test file.
 */
export async function cliSandbox(name: string, env: Readonly<Record<string, string>> = {}): Promise<CliSandbox> {
  const savedEnv = { ...process.env };
  const tmp = mkdtempSync(join(tmpdir(), `mien-cli-${name}-`));
  const dataDir = join(tmp, "data");
  let t: TestDatabase | undefined;
  const close = async () => {
    process.env = savedEnv;
    await t?.drop();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    t = await createTestDatabase(`mien_test_cli_${name}`);
  } catch (error) {
    await close();
    throw error;
  }
  Object.assign(process.env, { DATABASE_URL: t.url, MIEN_DATA_DIR: dataDir, MIEN_STORAGE: "local", ...env });
  return { t, tmp, dataDir, close };
}

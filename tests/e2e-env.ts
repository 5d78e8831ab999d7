import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Settings shared by the Playwright config, global setup/teardown and the specs.
 * Playwright starts the web server before global setup and loads the config again in
 * every worker, so the database name and secret are chosen once, here, and kept in
 * process.env, which the web server and the workers inherit.
 */
export const TESTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(TESTS_DIR, "..");
export const STATE_FILE = join(TESTS_DIR, ".e2e", "state.json");

export const PORT = Number(process.env.MIEN_E2E_PORT ?? 3100);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

const ADMIN_DATABASE_URL = process.env.MIEN_TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

process.env.MIEN_E2E_DB ??= `mien_e2e_${randomBytes(5).toString("hex")}`;
process.env.MIEN_E2E_SECRET ??= randomBytes(32).toString("base64url");
process.env.MIEN_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "mien-e2e-"));
// Own BullMQ keys, so training jobs of parallel e2e runs never meet.
process.env.MIEN_E2E_QUEUE_PREFIX ??= `mien-e2e-${randomBytes(4).toString("hex")}`;

export const E2E_DB = process.env.MIEN_E2E_DB;
export const DATA_DIR = process.env.MIEN_E2E_DATA_DIR;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export const ADMIN_URL = ADMIN_DATABASE_URL;
export const DATABASE_URL = withDatabase(ADMIN_DATABASE_URL, E2E_DB);

/** Environment for the web server and the CLI commands that seed its database. */
export const APP_ENV: Record<string, string> = {
  DATABASE_URL,
  MIEN_DATA_DIR: DATA_DIR,
  BETTER_AUTH_SECRET: process.env.MIEN_E2E_SECRET,
  MIEN_BASE_URL: BASE_URL,
  PORT: String(PORT),
  NODE_ENV: "production",
  // Every spec signs in and up from 127.0.0.1; the per-address limits are tested in packages/auth.
  MIEN_SIGN_IN_LIMIT: "300/60",
  MIEN_SIGN_UP_LIMIT: "300/60",
  MIEN_QUEUE_PREFIX: process.env.MIEN_E2E_QUEUE_PREFIX,
};

export interface Credentials {
  email: string;
  password: string;
}

/** What global setup leaves for the specs. */
export interface E2EState {
  databaseUrl: string;
  admin: Credentials;
  curator: Credentials;
  /** Two more curators for consensus (two people reviewing the same image independently), so other specs' curator stays untouched. */
  secondCurator: Credentials;
  thirdCurator: Credentials;
}

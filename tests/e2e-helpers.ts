import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { expect, type Page } from "@playwright/test";
import pg from "pg";

import { APP_ENV, REPO_ROOT, STATE_FILE, type Credentials, type E2EState } from "./e2e-env.ts";

/** What global setup wrote: the database and the seeded accounts. */
export const state = (): E2EState => JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2EState;

/** One query against the e2e database, on a connection of its own. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: state().databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Signs in through the sign-in form and waits for the home page. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

/** Runs `pnpm mien <args>` from the repository root against the e2e database. */
export function mien(args: string[]): void {
  const result = spawnSync("pnpm", ["--silent", "mien", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...APP_ENV }, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`\`pnpm mien ${args.join(" ")}\` failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Creates an account with the CLI. `--password=…` in one argument: a random password may start with "-". */
export function addUser(who: Credentials, role: "user" | "curator" | "admin", name: string): void {
  mien(["user", "add", "--email", who.email, `--password=${who.password}`, "--role", role, "--name", name]);
}

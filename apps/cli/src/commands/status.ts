import { Redis } from "ioredis";

import { pendingMigrations } from "@mien/db/migrate";
import { AUTH_SECRET_FILE, isSet, loadServerEnv, type ServerEnv } from "@mien/env";

import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm mien status

Prints the configuration this shell gives Mien (unset variables take the same defaults as
\`pnpm start\`) and checks that PostgreSQL and Redis answer. Exit code 1 when one does not.`;

const SHOWN = ["DATABASE_URL", "REDIS_URL", "MIEN_DATA_DIR", "MIEN_STORAGE", "MIEN_QUEUE_PREFIX", "MIEN_BASE_URL"] as const;

/** A URL with its password replaced, so the output can be pasted into an issue. */
function hidePassword(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = "***";
    return url.toString();
  } catch {
    return value;
  }
}

function describe(env: ServerEnv, name: (typeof SHOWN)[number]): string {
  const value = name === "MIEN_DATA_DIR" ? env.dataDir : String(env[name]);
  return hidePassword(value);
}

async function checkPostgres(url: string): Promise<{ ok: boolean; line: string }> {
  try {
    const { total, pending } = await pendingMigrations(url);
    if (pending.length === 0) return { ok: true, line: `PostgreSQL: answers; all ${total} migrations applied.` };
    return { ok: true, line: `PostgreSQL: answers; ${pending.length} of ${total} migrations not applied yet: run \`pnpm mien migrate\`.` };
  } catch (err) {
    return { ok: false, line: `PostgreSQL: no answer at ${hidePassword(url)} (${(err as Error).message}). Start it with \`pnpm start\`, or set DATABASE_URL.` };
  }
}

async function checkRedis(url: string): Promise<{ ok: boolean; line: string }> {
  // No retries: this is a check, not a worker that must outlast a restart.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined); // reported below, from the failed connect
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true, line: "Redis: answers." };
  } catch (err) {
    return { ok: false, line: `Redis: no answer at ${hidePassword(url)} (${(err as Error).message}). Start it with \`pnpm start\`, or set REDIS_URL.` };
  } finally {
    redis.disconnect();
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs({ args: argv, options: { help: { type: "boolean", short: "h" } } }, USAGE);
  if (typeof parsed === "number") return parsed;
  const env = loadServerEnv();
  const width = "BETTER_AUTH_SECRET".length;
  const lines = SHOWN.map((name) => `  ${name.padEnd(width)}  ${describe(env, name)}${isSet(name) ? "" : "  (default)"}`);
  const secret = isSet("BETTER_AUTH_SECRET")
    ? "set"
    : env.BETTER_AUTH_SECRET
      ? `from ${AUTH_SECRET_FILE} in the data folder`
      : "not set (a development-only secret is used)";
  lines.push(`  ${"BETTER_AUTH_SECRET".padEnd(width)}  ${secret}`);
  const checks = await Promise.all([checkPostgres(env.DATABASE_URL), checkRedis(env.REDIS_URL)]);
  console.log(["Configuration (unset variables take the defaults `pnpm start` uses):", ...lines, "", ...checks.map((c) => c.line)].join("\n"));
  return checks.every((c) => c.ok) ? 0 : 1;
}

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

import { Redis } from "ioredis";

import { closeEvaluationQueue, queueMissingScores } from "@mien/api/evaluation";
import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { registerVersionDir } from "@mien/registry";
import { createStorage } from "@mien/storage";

import { parseCommandArgs } from "./args.ts";

const USAGE = `Usage: pnpm --silent mien register <version folder> [--json]

Publishes a version folder (manifest.json and the files it lists, as \`mien train --out\`,
\`mien ensemble\` and \`mien train-default\` write them, e.g. models/fer7-ensemble) to the model
registry, as \`pnpm start\` does with models/default. The files are verified against the manifest;
the same bytes registered again give the version already published. It becomes active only when
no version is active yet; otherwise promote it on the Models page. Its scoring on every pinned
evaluation set is queued for the trainer's evaluation worker.

  --json   print {"id", "number", "contentHash", "created", "activated", "queued"}`;

/** Why Redis does not answer now, or null when it does: BullMQ's connection would wait for it forever, and a command must not hang. */
async function whyRedisIsDown(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined); // reported by the caller, from the failed connect
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    redis.disconnect();
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    { args: argv, allowPositionals: true, options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } },
    USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    console.error(`${positionals.length ? "Give one version folder." : "Missing the version folder to register."}\n\n${USAGE}`);
    return 2;
  }
  // pnpm runs root scripts from the repository root, so `models/fer7-ensemble` means what it says.
  const dir = resolve(process.cwd(), positionals[0]!);
  if (!existsSync(join(dir, "manifest.json"))) {
    console.error(`${dir} has no manifest.json: give a version folder such as models/fer7-ensemble.`);
    return 2;
  }

  const env = loadServerEnv();
  const db = createDb(env.DATABASE_URL);
  try {
    const version = await registerVersionDir(db, createStorage(env), dir);
    let queued: number | null = null;
    const queueError = await whyRedisIsDown(env.REDIS_URL);
    if (!queueError) {
      try {
        queued = await queueMissingScores(db);
      } finally {
        await closeEvaluationQueue();
      }
    }
    if (values.json) {
      console.log(
        JSON.stringify({
          id: version.id,
          number: version.number,
          contentHash: version.contentHash,
          created: version.created,
          activated: version.activated,
          queued,
        }),
      );
    } else {
      console.log(
        `${version.created ? "Registered" : "Already registered:"} ${dir} as version ${version.number} (${version.contentHash.slice(0, 12)})${version.activated ? ", now active" : ""}.`,
      );
      if (queued) console.log(`${queued} evaluation(s) on pinned sets queued for the trainer's evaluation worker.`);
    }
    if (queueError)
      console.error(`Its scoring on pinned sets is not queued: Redis does not answer (${queueError}). The trainer queues it when it next starts.`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

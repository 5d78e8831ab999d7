import { PrismaPg } from "@prisma/adapter-pg";

import { envValue } from "@mien/env";

import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

/** A Prisma client over node-postgres; no Rust query engine is involved. */
export function createDb(connectionString: string, options: { max?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString, max: options.max ?? 10 });
  return new PrismaClient({ adapter });
}

const globalForDb = globalThis as unknown as { mienDb?: Db };

/** Process-wide client for apps; reuses one pool across Next.js hot reloads. */
export function getDb(): Db {
  globalForDb.mienDb ??= createDb(envValue("DATABASE_URL"));
  return globalForDb.mienDb;
}

import { createDb, ensureReferenceData } from "@mien/db";
import { migrate } from "@mien/db/migrate";
import { loadServerEnv } from "@mien/env";

export async function run(_argv: string[]): Promise<number> {
  const env = loadServerEnv();
  const result = await migrate(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL, { max: 1 });
  try {
    await ensureReferenceData(db);
  } finally {
    await db.$disconnect();
  }
  console.log(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
      : `Database is up to date (${result.alreadyApplied.length} migrations).`,
  );
  return 0;
}

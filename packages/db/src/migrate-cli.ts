import { createDb } from "./client.ts";
import { migrate } from "./migrate.ts";
import { ensureReferenceData } from "./reference-data.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set.");
  process.exit(2);
}
const result = await migrate(url);
const db = createDb(url, { max: 1 });
await ensureReferenceData(db);
await db.$disconnect();
console.log(
  result.applied.length
    ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
    : `Database is up to date (${result.alreadyApplied.length} migrations).`,
);

import { getDb } from "@mien/db";

export const dynamic = "force-dynamic";

const DB_TIMEOUT_MS = 2_000;

/** Readiness for scripts/start.sh and load balancers: 200 once the database answers, 503 until then. */
export async function GET() {
  let db = false;
  try {
    await Promise.race([getDb().$queryRaw`SELECT 1`, new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), DB_TIMEOUT_MS))]);
    db = true;
  } catch (err) {
    console.error("health: the database did not answer SELECT 1:", (err as Error).message);
  }
  return Response.json({ ok: db, db }, { status: db ? 200 : 503, headers: { "cache-control": "no-store" } });
}

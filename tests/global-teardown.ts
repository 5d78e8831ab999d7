import { rmSync } from "node:fs";

import pg from "pg";

import { ADMIN_URL, DATA_DIR, E2E_DB, STATE_FILE } from "./e2e-env.ts";

/** Drops the e2e database and removes the run's data folder and state file. */
export default async function globalTeardown(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${E2E_DB}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  rmSync(DATA_DIR, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import pg from "pg";

import { ADMIN_URL, DATABASE_URL, E2E_DB, REPO_ROOT, STATE_FILE, type E2EState } from "./e2e-env.ts";
import { addUser, mien } from "./e2e-helpers.ts";
import { VIDEOS, writeWebcamVideo, type VideoName } from "./fixtures/webcam-video.ts";

/** A fresh database, migrated and seeded with the demo sample through the real importer, plus accounts. */
export default async function globalSetup(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${E2E_DB}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${E2E_DB}"`);
  } finally {
    await admin.end();
  }

  mien(["migrate"]);
  if (!existsSync(join(REPO_ROOT, "apps/cli/src/commands/import.ts"))) {
    throw new Error("The importer (apps/cli/src/commands/import.ts) is missing; the e2e tests seed through `pnpm mien import data/demo`.");
  }
  mien(["import", "data/demo"]);

  const password = () => randomBytes(12).toString("base64url");
  const state: E2EState = {
    databaseUrl: DATABASE_URL,
    admin: { email: "admin@e2e.mien.test", password: password() },
    curator: { email: "curator@e2e.mien.test", password: password() },
    secondCurator: { email: "curator2@e2e.mien.test", password: password() },
    thirdCurator: { email: "curator3@e2e.mien.test", password: password() },
  };
  addUser(state.admin, "admin", "E2E Admin");
  addUser(state.curator, "curator", "E2E Curator");
  addUser(state.secondCurator, "curator", "E2E Curator Two");
  addUser(state.thirdCurator, "curator", "E2E Curator Three");
  // As on a fresh machine: the committed default model becomes version 1 and active.
  mien(["bootstrap"]);

  // The coach specs' fake webcams (kept between runs; made once from real photos).
  for (const name of Object.keys(VIDEOS) as VideoName[]) await writeWebcamVideo(name);

  mkdirSync(dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
}

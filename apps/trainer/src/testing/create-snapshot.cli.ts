// Test helper for the e2e suite: freezes every image with a split into a dataset snapshot, owned
// by the first admin, and prints its id. Usage: node --import tsx apps/trainer/src/testing/create-snapshot.cli.ts <name>
import { createDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { createStorage } from "@mien/storage";
import { createSnapshot } from "./fixtures.ts";

const env = loadServerEnv();
const db = createDb(env.DATABASE_URL);
try {
  const admin = await db.user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (!admin) throw new Error("No admin user to own the snapshot; create one first.");
  const snapshot = await createSnapshot(db, createStorage(env), process.argv[2] ?? "snapshot", admin.id);
  console.log(JSON.stringify(snapshot));
} finally {
  await db.$disconnect();
}

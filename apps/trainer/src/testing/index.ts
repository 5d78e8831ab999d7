// Real data for trainer tests: a small FER2013 subset imported by the real importer, and a
// dataset snapshot frozen by the product's own createSnapshot.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { createSnapshot as freezeSnapshot } from "@mien/api/snapshots";
import { runImport } from "@mien/dataset";
import type { Db } from "@mien/db";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from "@mien/jobs/training";
import { LocalStorage, type Storage } from "@mien/storage";

const REPO = resolve(import.meta.dirname, "..", "..", "..", "..");
/** ../shared/data beside the repository (or beside the folder of git worktrees); MIEN_SHARED_DATA overrides. */
export const SHARED_DATA =
  process.env.MIEN_SHARED_DATA ??
  [resolve(REPO, "..", "shared", "data"), resolve(REPO, "..", "..", "shared", "data")].find((p) => existsSync(p)) ??
  resolve(REPO, "..", "shared", "data");
export const FER = join(SHARED_DATA, "fer2013");

/** Copies the first `train`/`val` images of each FER2013 class into a fresh `<tmp>/<split>/<class>/` tree. */
export function ferSubset(train: number, val: number, classes = ["angry", "happy", "neutral", "surprise"]): string {
  const root = mkdtempSync(join(tmpdir(), "mien-fer-"));
  for (const [split, n] of [
    ["train", train],
    ["val", val],
  ] as const) {
    for (const c of classes) {
      const from = join(FER, split, c);
      const to = join(root, split, c);
      mkdirSync(to, { recursive: true });
      for (const f of readdirSync(from).sort().slice(0, n)) copyFileSync(join(from, f), join(to, f));
    }
  }
  return root;
}

/** Imports a folder with the real importer. */
export async function importFolder(db: Db, storage: Storage, root: string): Promise<void> {
  await runImport({ db, storage, root });
}

/** A snapshot of the whole curated set, frozen the way an admin freezes one (audited, drop counts recorded). */
export async function createSnapshot(db: Db, storage: Storage, name: string, createdById: string): Promise<{ id: string; contentHash: string }> {
  const { snapshot } = await freezeSnapshot(db, storage, { actorId: createdById, name, reviewedOnly: false });
  return { id: snapshot.id, contentHash: snapshot.contentHash };
}

/** What the worker-process tests share: a database, the worker's data folder and its storage. */
export interface WorkerTestData {
  t: TestDatabase;
  dataDir: string;
  storage: LocalStorage;
  /** Drops the database and removes the data folder. */
  remove(): Promise<void>;
}

/**
 * A fresh database with an admin (id "admin") and `train`/`val` FER2013 images of each class
 * imported into `<dataDir>/storage`, where a worker started with MIEN_DATA_DIR=dataDir finds them.
 */
export async function workerTestData(name: string, train: number, val: number, classes: string[]): Promise<WorkerTestData> {
  const t = await createTestDatabase(`mien_test_${name.replace(/-/g, "_")}`);
  const dataDir = mkdtempSync(join(tmpdir(), `mien-${name}-`));
  const storage = new LocalStorage(join(dataDir, "storage"));
  await t.db.user.create({ data: { id: "admin", email: "a@example.com", name: "Admin", role: "admin" } });
  const root = ferSubset(train, val, classes);
  await importFolder(t.db, storage, root);
  rmSync(root, { recursive: true, force: true });
  return {
    t,
    dataDir,
    storage,
    async remove() {
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small, fixed-length job on happiness, sadness and surprise: enough epochs to interrupt. */
export function smallJobConfig(name: string, snapshotId: string, epochs: number, options: { hidden?: number; seed?: number } = {}): TrainingConfig {
  return {
    ...DEFAULT_TRAINING_CONFIG,
    name,
    snapshotId,
    classes: ["happiness", "sadness", "surprise"],
    epochs,
    batchSize: 8,
    head: { hidden: [options.hidden ?? 32], inputDropout: 0.2, dropout: 0.5, l2: 1e-4 },
    earlyStopping: { enabled: false, patience: 6 },
    seed: options.seed ?? DEFAULT_TRAINING_CONFIG.seed,
  };
}

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root (packages/model/scripts/lib → ../../../..). */
export const REPO_ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

/** Shared real data sets, kept next to the project (../shared/data); MIEN_SHARED_DATA overrides. */
export const SHARED_DATA = process.env.MIEN_SHARED_DATA ?? resolve(REPO_ROOT, "../shared/data");

/** Gitignored cache for embeddings and study outputs; MIEN_ML_CACHE overrides. */
export const ML_CACHE = process.env.MIEN_ML_CACHE ?? resolve(REPO_ROOT, ".data/ml-cache");

/** Runs an async script body, printing only the error message (the wasm runtime otherwise dumps its source). */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}

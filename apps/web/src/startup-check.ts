import { resolveAuthSecret } from "@mien/auth";
import { loadServerEnv } from "@mien/env";

/** Refuses to serve with a broken environment; Next would otherwise answer every request with a 500. */
export function checkEnvironment(): void {
  try {
    resolveAuthSecret(loadServerEnv());
  } catch (err) {
    console.error(`Mien cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
}

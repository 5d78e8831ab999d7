import { loadServerEnv } from "@mien/env";
import { createStorage, type Storage } from "@mien/storage";

let fromEnv: Storage | undefined;

/** The storage a caller passed in (tests, scripts), else the one the environment names, created once. */
export function snapshotStorage(given?: Storage): Storage {
  return given ?? (fromEnv ??= createStorage(loadServerEnv()));
}

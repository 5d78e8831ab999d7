/** Where image bytes live. Keys are relative, slash-separated paths such as `originals/ab/ab12….jpg`. */
export interface Storage {
  /** Stores `body` under `key`, replacing any previous object. Readers never see a half-written object. */
  put(key: string, body: Buffer, contentType?: string): Promise<void>;
  /** Throws a {@link StorageNotFoundError} when nothing is stored under `key`. */
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Removes `key`; removing a key that does not exist is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix` (use "" for all), in no guaranteed order. */
  list(prefix: string): AsyncIterable<string>;
  readonly driver: "local" | "s3";
}

/** Thrown by {@link Storage.get} for a missing key; `notFound` and `code` let callers test for it without instanceof. */
export class StorageNotFoundError extends Error {
  readonly notFound = true;
  readonly code = "ENOENT";
  constructor(readonly key: string) {
    super(`not found: ${key}`);
    this.name = "StorageNotFoundError";
  }
}

export function isNotFound(err: unknown): err is StorageNotFoundError {
  return typeof err === "object" && err !== null && (err as { notFound?: unknown }).notFound === true;
}

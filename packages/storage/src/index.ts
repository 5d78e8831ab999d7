export { isNotFound, StorageNotFoundError, type Storage } from "./storage.ts";
export { assertValidKey, assertValidPrefix } from "./keys.ts";
export { LocalStorage } from "./local.ts";
export { S3Storage, type S3StorageOptions } from "./s3.ts";
export { createStorage, type StorageEnv } from "./create.ts";

import { join } from "node:path";

import { LocalStorage } from "./local.ts";
import { S3Storage } from "./s3.ts";
import type { Storage } from "./storage.ts";

/** The part of @mien/env's ServerEnv that storage needs (structural, so this package stays free of env parsing). */
export interface StorageEnv {
  dataDir: string;
  MIEN_STORAGE: "local" | "s3";
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE: boolean;
}

/** The storage the environment asks for: files under `<dataDir>/storage`, or an S3 bucket. */
export function createStorage(env: StorageEnv): Storage {
  if (env.MIEN_STORAGE === "s3") {
    return new S3Storage({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    });
  }
  return new LocalStorage(join(env.dataDir, "storage"));
}

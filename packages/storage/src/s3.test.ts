import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createStorage } from "./create.ts";
import type { S3Storage } from "./s3.ts";
import { storageContract } from "./testing/contract.ts";
import { startS3rver, type S3rverProcess } from "./testing/s3rver.ts";

// A real S3-compatible server (s3rver) on a random local port, backed by a temp folder.
const dir = mkdtempSync(join(tmpdir(), "mien-s3rver-"));
let server: S3rverProcess;
let endpoint = "";

function storage(bucket = "mien"): S3Storage {
  return createStorage({
    dataDir: dir,
    MIEN_STORAGE: "s3",
    S3_ENDPOINT: endpoint,
    S3_REGION: "us-east-1",
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_FORCE_PATH_STYLE: true,
  }) as S3Storage;
}

beforeAll(async () => {
  server = await startS3rver(dir, "mien");
  endpoint = server.endpoint;
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("S3Storage against s3rver", () => {
  storageContract(() => storage());

  it("is what createStorage returns for MIEN_STORAGE=s3", () => {
    expect(storage().driver).toBe("s3");
  });

  it("lists past one page of results", async () => {
    const s = storage();
    await Promise.all(Array.from({ length: 1005 }, (_, i) => s.put(`many/${String(i).padStart(4, "0")}`, Buffer.from("x"))));
    let n = 0;
    for await (const _ of s.list("many/")) n++;
    expect(n).toBe(1005);
  });

  it("says so when the bucket does not exist", async () => {
    await expect(storage("no-such-bucket").put("a.txt", Buffer.from("x"))).rejects.toThrow(/bucket "no-such-bucket" does not exist/);
  });
});

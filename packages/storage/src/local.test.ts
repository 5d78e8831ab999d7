import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { createStorage } from "./create.ts";
import { LocalStorage } from "./local.ts";
import { storageContract } from "./testing/contract.ts";

const root = mkdtempSync(join(tmpdir(), "mien-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("LocalStorage", () => {
  storageContract(() => new LocalStorage(join(root, "contract")));

  it("keeps every file inside its root", async () => {
    const s = new LocalStorage(join(root, "inside"));
    await s.put("a/b/c.bin", Buffer.from("x"));
    expect(s.pathOf("a/b/c.bin")).toBe(join(root, "inside", "a", "b", "c.bin"));
    expect(readdirSync(join(root, "inside", "a", "b"))).toEqual(["c.bin"]); // no temp file left behind
  });

  it("does not list half-written temp files", async () => {
    const s = new LocalStorage(join(root, "temps"));
    await s.put("t/real.bin", Buffer.from("x"));
    writeFileSync(join(root, "temps", "t", "real.bin.123.abcd.mien-tmp"), "partial");
    const keys: string[] = [];
    for await (const k of s.list("t/")) keys.push(k);
    expect(keys).toEqual(["t/real.bin"]);
  });

  it("survives many concurrent writes of the same key", async () => {
    const s = new LocalStorage(join(root, "race"));
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.put("same/key.bin", Buffer.alloc(1000, i))));
    const body = await s.get("same/key.bin");
    expect(body).toHaveLength(1000);
    expect(new Set(body).size).toBe(1); // one whole write won, never a mix
  });

  it("is what createStorage returns by default, under <dataDir>/storage", () => {
    const s = createStorage({ dataDir: root, MIEN_STORAGE: "local", S3_REGION: "us-east-1", S3_BUCKET: "mien", S3_FORCE_PATH_STYLE: true });
    expect(s.driver).toBe("local");
    expect((s as LocalStorage).root).toBe(join(root, "storage"));
  });
});

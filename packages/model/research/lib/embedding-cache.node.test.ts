import { appendFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it } from "vitest";

import { cacheFile, EmbeddingWriter, hashPaths, readEmbeddings, writeIndex, type DatasetIndex } from "./embedding-cache.node.ts";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const paths = ["happy/a.jpg", "sad/b.jpg", "sad/c.jpg"];
const index: DatasetIndex = {
  version: 1,
  dataset: "toy/train",
  root: "/nowhere",
  listHash: hashPaths(paths),
  paths,
  labels: ["happiness", "sadness", "sadness"],
};
const meta = {
  dataset: "toy/train",
  backbone: "b",
  flip: false,
  dim: 2,
  count: 3,
  listHash: index.listHash,
  input: { size: 4, channels: 3 as const, mean: [0], scale: 1 },
};

describe("embedding cache", () => {
  it("appends, resumes after a torn write, and reads back", async () => {
    const root = await mkdtemp(join(tmpdir(), "mien-cache-"));
    dirs.push(root);
    await writeIndex(root, index);
    const w = await EmbeddingWriter.open(root, meta);
    await w.append(new Float32Array([1, 2]));
    await expect(readEmbeddings(root, "toy/train", "b")).rejects.toThrow(/unfinished/);
    // Half a row lands on disk before a crash.
    await appendFile(cacheFile(root, "toy/train", "b", false, "bin"), new Uint8Array(4));
    const resumed = await EmbeddingWriter.open(root, meta);
    expect(resumed.rowsDone).toBe(1);
    expect((await stat(cacheFile(root, "toy/train", "b", false, "bin"))).size).toBe(8);
    await resumed.append(new Float32Array([3, 4, 5, 6]));
    const e = await readEmbeddings(root, "toy/train", "b");
    expect(Array.from(e.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(e.index.labels).toEqual(index.labels);
  });

  it("refuses to resume a file made for another image list", async () => {
    const root = await mkdtemp(join(tmpdir(), "mien-cache-"));
    dirs.push(root);
    await EmbeddingWriter.open(root, meta);
    await expect(EmbeddingWriter.open(root, { ...meta, listHash: "other" })).rejects.toThrow(/another image list/);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { LocalStorage } from "@mien/storage";

import { buildManifest, classCounts, parseManifest, readManifest, SnapshotManifestError, writeManifest, type SnapshotEntry } from "./manifest.ts";

const h = (c: string) => c.repeat(64);
const entries: SnapshotEntry[] = [
  { sha256: h("b"), label: "happiness", split: "train" },
  { sha256: h("a"), label: "anger", split: "val" },
  { sha256: h("c"), label: "happiness", split: "train" },
];

describe("snapshot manifest", () => {
  const dir = mkdtempSync(join(tmpdir(), "mien-manifest-"));
  const storage = new LocalStorage(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sorts by image hash, so the content hash does not depend on input order", () => {
    const a = buildManifest(entries);
    const b = buildManifest([...entries].reverse());
    expect(a.text).toBe(`${h("a")}\tanger\tval\n${h("b")}\thappiness\ttrain\n${h("c")}\thappiness\ttrain\n`);
    expect(b.contentHash).toBe(a.contentHash);
    expect(buildManifest(entries.slice(1)).contentHash).not.toBe(a.contentHash);
  });

  it("round-trips through storage and counts classes per split", async () => {
    const written = await writeManifest(storage, entries);
    const read = await readManifest(storage, written.key, written.contentHash);
    expect(read.entries).toEqual(written.entries);
    expect(classCounts(read.entries)).toEqual({ train: { happiness: 2 }, val: { anger: 1 }, test: {} });
  });

  it("detects a manifest changed after it was frozen", async () => {
    const written = await writeManifest(storage, entries);
    const tampered = (await storage.get(written.key)).toString("utf8").replace("anger", "fear\t");
    await storage.put(written.key, Buffer.from(tampered));
    await expect(readManifest(storage, written.key, written.contentHash)).rejects.toThrow(/changed or truncated/);
  });

  it("refuses duplicates, unknown labels, bad splits and malformed lines with a clear reason", () => {
    expect(() => buildManifest([entries[0]!, entries[0]!])).toThrow(/appears twice/);
    expect(() => buildManifest([{ ...entries[0]!, label: "joy" as never }])).toThrow(/not a canonical class/);
    expect(() => buildManifest([{ ...entries[0]!, split: "dev" as never }])).toThrow(/not train, val or test/);
    expect(() => buildManifest([{ ...entries[0]!, sha256: "xyz" }])).toThrow(/not a lower-case sha256/);
    expect(() => parseManifest(`${h("a")}\tanger\n`)).toThrow(SnapshotManifestError);
    expect(() => parseManifest(`${h("b")}\tanger\tval\n${h("a")}\tanger\tval\n`)).toThrow(/out of order/);
    expect(() => parseManifest(`${h("a")}\tanger\tval`)).toThrow(/truncated/);
    expect(parseManifest("").entries).toEqual([]);
  });
});

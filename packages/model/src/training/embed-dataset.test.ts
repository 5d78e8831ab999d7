import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, expect, it } from "vitest";

import { loadBackbone } from "../backbones/index.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { embedMissing, openTables } from "./embed-dataset.node.ts";
import { EmbeddingStore } from "./embedding-store.node.ts";
import { FLIP, PLAIN, type Variant } from "./variants.ts";

const VAL = new URL("../../../../../shared/data/fer2013/val/happy", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it("embedding on two worker threads stores the same vectors as on one", async () => {
  await selectNodeBackend({ only: "wasm", log: () => {} });
  const files = (await readdir(VAL)).sort().slice(0, 40);
  const bytes = new Map<string, Uint8Array>();
  for (const f of files) {
    const b = new Uint8Array(await readFile(join(VAL, f)));
    bytes.set(createHash("sha256").update(b).digest("hex"), b);
  }
  const augmented: Variant = { key: "aug-test-1", flip: false, augment: { amounts: { rotation: 20, zoom: 0.1 }, copy: 1 } };
  const needs = new Map([...bytes.keys()].map((sha, i) => [sha, i % 2 ? [PLAIN, FLIP, augmented] : [PLAIN]]));
  const backbone = await loadBackbone("faceapi-expression", nodeModelSources());
  const run = async (threads: number) => {
    const dir = mkdtempSync(join(tmpdir(), "mien-embed-"));
    dirs.push(dir);
    const store = new EmbeddingStore(dir);
    const stats = await embedMissing({ backbones: [backbone], colour: "gray", needs, readImage: async (sha) => bytes.get(sha)!, store, threads, batchSize: 8 });
    const tables = await openTables(store, [backbone], "gray", [PLAIN, FLIP, augmented]);
    return { stats, tables };
  };
  const one = await run(1);
  const two = await run(2);
  expect(one.stats.computed).toBe(20 + 20 * 3);
  expect(two.stats.computed).toBe(one.stats.computed);
  let compared = 0;
  for (const [key, table] of one.tables) {
    for (const [sha, list] of needs) {
      if (!list.some((v) => key.endsWith(`|${v.key}`))) continue;
      const a = table.get(sha)!;
      const b = two.tables.get(key)!.get(sha)!;
      expect(b).toBeDefined();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a[i]!)));
      compared++;
    }
  }
  expect(compared).toBe(80);
  backbone.dispose();
}, 120_000);

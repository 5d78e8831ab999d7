import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

let t: TestDatabase;
let n = 0;

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

async function addImage(label = "anger"): Promise<string> {
  const i = n++;
  const [row] = await sql<{ id: string }>(
    `INSERT INTO image (id, sha256, "storageKey", "thumbKey", "mimeType", width, height, "sourcePath", "sourceLabel", label, split, phash, "blurScore", contrast, "updatedAt")
     VALUES (gen_random_uuid(), lpad(to_hex($1::int), 64, '0'), 'k', 't', 'image/jpeg', 48, 48, 'p', $2, $2, 'train', 0, 1, 1, now()) RETURNING id`,
    [i, label],
  );
  return row!.id;
}

const insertDecision = `INSERT INTO review_decision (id, "imageId", "curatorId", kind, label, flags, "suggestedLabel", "updatedAt")
  VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::"FlagReason"[], $6, now())`;

const consensusOf = async (imageId: string) =>
  (
    await sql<{ reviews: number; disagree: boolean; outcome: string | null }>(`SELECT reviews, disagree, outcome FROM review_consensus WHERE "imageId" = $1`, [
      imageId,
    ])
  )[0] ?? null;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_db_curation");
  for (const id of ["c1", "c2", "c3", "admin"]) await t.db.user.create({ data: { id, email: `${id}@example.com`, name: id } });
});
afterAll(async () => {
  await t?.drop();
});

describe("review_consensus (kept by a trigger on review_decision)", () => {
  it("summarises the live decisions of an image as they are added, changed and removed", async () => {
    const image = await addImage("anger");
    expect(await consensusOf(image)).toBeNull();
    await sql(insertDecision, [image, "c1", "accept", null, "{}", null]);
    expect(await consensusOf(image)).toEqual({ reviews: 1, disagree: false, outcome: "accept" });
    // A relabel to the image's own class is an accept.
    await sql(insertDecision, [image, "c2", "relabel", "anger", "{}", "anger"]);
    expect(await consensusOf(image)).toEqual({ reviews: 2, disagree: false, outcome: "accept" });
    await sql(insertDecision, [image, "c3", "flag", null, "{unclear}", null]);
    expect(await consensusOf(image)).toEqual({ reviews: 3, disagree: true, outcome: null });
    await sql(`DELETE FROM review_decision WHERE "imageId" = $1 AND "curatorId" = 'c3'`, [image]);
    expect(await consensusOf(image)).toEqual({ reviews: 2, disagree: false, outcome: "accept" });
    await sql(`UPDATE review_decision SET kind = 'relabel', label = 'fear' WHERE "imageId" = $1`, [image]);
    expect(await consensusOf(image)).toEqual({ reviews: 2, disagree: false, outcome: "relabel:fear" });
    // A lone "mislabelled" flag with a suggestion is the same relabel; any other flag is a removal.
    await sql(insertDecision, [image, "c3", "flag", null, "{mislabelled}", "fear"]);
    expect(await consensusOf(image)).toEqual({ reviews: 3, disagree: false, outcome: "relabel:fear" });
    await sql(`UPDATE review_decision SET flags = '{mislabelled,unclear}' WHERE "imageId" = $1 AND "curatorId" = 'c3'`, [image]);
    expect(await consensusOf(image)).toEqual({ reviews: 3, disagree: true, outcome: null });
    await sql(`DELETE FROM review_decision WHERE "imageId" = $1`, [image]);
    expect(await consensusOf(image)).toEqual({ reviews: 0, disagree: false, outcome: null });
  });

  it("loses no decision when two curators' transactions on the same image overlap", async () => {
    const image = await addImage("fear");
    // The summary row exists already, so the two writers meet on its row lock, not on its insert.
    await sql(insertDecision, [image, "c3", "accept", null, "{}", null]);
    const a = new pg.Client({ connectionString: t.url });
    const b = new pg.Client({ connectionString: t.url });
    await a.connect();
    await b.connect();
    try {
      await a.query("BEGIN");
      await b.query("BEGIN");
      await a.query(insertDecision, [image, "c1", "accept", null, "{}", null]);
      // b's trigger waits for a's lock on the summary row, so it must not finish before a commits.
      let bDone = false;
      const bInsert = b.query(insertDecision, [image, "c2", "flag", null, "{unclear}", null]).then(() => (bDone = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bDone).toBe(false);
      await a.query("COMMIT");
      await bInsert;
      await b.query("COMMIT");
    } finally {
      await a.end();
      await b.end();
    }
    expect(await consensusOf(image)).toEqual({ reviews: 3, disagree: true, outcome: null });
  });

  it("goes away with its image, and a deleted image takes its decisions along", async () => {
    const image = await addImage();
    await sql(insertDecision, [image, "c1", "accept", null, "{}", null]);
    await sql(`DELETE FROM image WHERE id = $1`, [image]);
    expect(await consensusOf(image)).toBeNull();
    expect(await sql(`SELECT 1 FROM review_decision WHERE "imageId" = $1`, [image])).toEqual([]);
  });
});

describe("dataset_snapshot", () => {
  it("is immutable once written", async () => {
    await sql(
      `INSERT INTO dataset_snapshot (id, name, "contentHash", "manifestKey", "imageCount", "classCounts", "createdById")
       VALUES (gen_random_uuid(), 'frozen', repeat('a', 64), 'snapshots/a.tsv', 0, '{}', 'admin')`,
    );
    await expect(sql(`UPDATE dataset_snapshot SET name = 'changed'`)).rejects.toThrow(/immutable: UPDATE is not allowed/);
    await expect(sql(`DELETE FROM dataset_snapshot`)).rejects.toThrow(/immutable: DELETE is not allowed/);
    await expect(sql(`TRUNCATE dataset_snapshot CASCADE`)).rejects.toThrow(/immutable: TRUNCATE is not allowed/);
    expect(await sql(`SELECT name, "reviewedOnly", dropped FROM dataset_snapshot`)).toEqual([{ name: "frozen", reviewedOnly: false, dropped: {} }]);
  });
});

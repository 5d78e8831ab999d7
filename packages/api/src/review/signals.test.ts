import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { callerAs, seedImages, seedUsers } from "../testing/index.ts";

let t: TestDatabase;

interface Signals {
  blurScore?: number;
  contrast?: number;
  faceCount?: number | null;
  faceScore?: number | null;
  ocrScore?: number | null;
  suggestedLabel?: string | null;
  mislabelScore?: number | null;
  duplicateGroup?: string | null;
}

async function addImage(label: string, signals: Signals = {}): Promise<string> {
  const [id] = await seedImages(t.db, label, "train", 1, { tag: "signals", fields: signals });
  return id!;
}

const as = (id: string, role: Role = "curator") => callerAs(t.db, id, role);

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_signals");
  await seedUsers(t.db, [["cleo", "curator"]]);
});
afterAll(async () => {
  await t?.drop();
});

/** Every page of a query, following nextCursor. */
async function allPages(input: Parameters<ReturnType<typeof as>["review"]["page"]>[0]) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const page = await as("cleo").review.page({ ...input, cursor });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

describe("review.page with screening signals", () => {
  it("pages the most suspicious labels first across ties, leaving unscreened images out", async () => {
    const scores = [0.9, 0.5, 0.5, 0.5, 0.2, 0.95, null];
    const ids = [];
    for (const s of scores) ids.push(await addImage("fear", { mislabelScore: s, suggestedLabel: s === null ? null : "surprise" }));
    const items = await allPages({ label: "fear", sort: "suspicious", limit: 2 });
    expect(items.map((i) => i.mislabelScore)).toEqual([0.95, 0.9, 0.5, 0.5, 0.5, 0.2]);
    expect(new Set(items.map((i) => i.id)).size).toBe(6);
    expect(items.map((i) => i.id)).not.toContain(ids[6]);
    // Ties break on id (descending, with the score), so paging neither skips nor repeats.
    const tied = items.filter((i) => i.mislabelScore === 0.5).map((i) => i.id);
    expect(tied).toEqual([...tied].sort().reverse());
  });

  it("sorts least face-like, flattest and most text-like, and keeps near-duplicates together", async () => {
    const [g1, g2] = [randomUUID(), randomUUID()].sort();
    const a = await addImage("contempt", { faceScore: 0.1, contrast: 30, ocrScore: 0.2, duplicateGroup: g2 });
    const b = await addImage("contempt", { faceScore: 0.9, contrast: 10, ocrScore: 0.8, duplicateGroup: g1 });
    const c = await addImage("contempt", { faceScore: 0.5, contrast: 20, ocrScore: null, duplicateGroup: g2 });
    const d = await addImage("contempt", { faceScore: null, contrast: 50, ocrScore: 0.4, duplicateGroup: g1 });
    const ids = (sort: "least-face" | "flattest" | "text" | "duplicates") => allPages({ label: "contempt", sort, limit: 1 }).then((r) => r.map((i) => i.id));
    expect(await ids("least-face")).toEqual([a, c, b]);
    expect(await ids("flattest")).toEqual([b, c, a, d]);
    expect(await ids("text")).toEqual([b, d, a]);
    const dup = await allPages({ label: "contempt", sort: "duplicates", limit: 1 });
    expect(dup.map((i) => i.duplicateGroup)).toEqual([g1, g1, g2, g2]);
    expect(dup.every((i) => i.duplicateCount === 2)).toBe(true);
  });

  it("filters by faces, suggested label, duplicate groups and signal thresholds", async () => {
    const none = await addImage("disgust", { faceCount: 0, faceScore: 0.02 });
    const one = await addImage("disgust", { faceCount: 1, faceScore: 0.9, suggestedLabel: "disgust", mislabelScore: 0.3 });
    const two = await addImage("disgust", { faceCount: 2, faceScore: 0.8, suggestedLabel: "anger", mislabelScore: 0.8, blurScore: 12 });
    const text = await addImage("disgust", { faceCount: 1, ocrScore: 0.85, contrast: 9, duplicateGroup: randomUUID() });
    const page = (input: Record<string, unknown>) =>
      as("cleo")
        .review.page({ label: "disgust", ...input })
        .then((r) => r.items.map((i) => i.id).sort());
    expect(await page({ faces: "none" })).toEqual([none]);
    expect(await page({ faces: "one" })).toEqual([one, text].sort());
    expect(await page({ faces: "several" })).toEqual([two]);
    expect(await page({ suggestedDiffers: true })).toEqual([two]);
    expect(await page({ inDuplicateGroup: true })).toEqual([text]);
    expect(await page({ maxBlur: 20 })).toEqual([two]);
    expect(await page({ maxContrast: 10 })).toEqual([text]);
    expect(await page({ maxFaceScore: 0.5 })).toEqual([none]);
    expect(await page({ minText: 0.6 })).toEqual([text]);
    expect(await page({ minSuspicion: 0.5 })).toEqual([two]);
    expect(await page({ minSuspicion: 0.2, faces: "one" })).toEqual([one]);
  });

  it("returns the signals a curator needs to judge an image", async () => {
    const id = await addImage("sadness", { faceCount: 1, faceScore: 0.87, ocrScore: 0.7, suggestedLabel: "neutral", mislabelScore: 0.66 });
    await t.db.image.update({ where: { id }, data: { ocrText: "SALE", labelConfidence: 0.34, suggestedConfidence: 0.58, labelThreshold: 0.41 } });
    const [item] = (await as("cleo").review.page({ label: "sadness" })).items;
    expect(item).toMatchObject({
      ...{ id, faceCount: 1, faceScore: 0.87, ocrScore: 0.7, ocrText: "SALE", suggestedLabel: "neutral", labelConfidence: 0.34, mislabelScore: 0.66 },
      ...{ suggestedConfidence: 0.58, labelThreshold: 0.41, duplicateGroup: null, duplicateCount: 0, contrast: 40 },
    });
  });

  it("refuses thresholds out of range and cursors that are not a row", async () => {
    await expect(as("cleo").review.page({ label: "sadness", minSuspicion: 2 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as("cleo").review.page({ label: "sadness", sort: "suspicious", cursor: { id: "nope", value: 1 } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

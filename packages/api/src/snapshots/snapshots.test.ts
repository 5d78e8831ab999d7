import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { readManifest } from "@mien/dataset/snapshot";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";
import { LocalStorage } from "@mien/storage";

import { callerAs, seedUsers } from "../testing/index.ts";
import { exportSnapshot } from "./export.ts";
import { readTarExport } from "./tar.ts";

let t: TestDatabase;
let dir: string;
let storage: LocalStorage;
const as = (id: string, role: Role = "curator") => callerAs(t.db, id, role, storage);
type Decision = Parameters<ReturnType<typeof as>["review"]["decide"]>[0]["decision"];
let faceOffset = 0;

// Real faces from the repository's demo sample (data/demo), distinct by content.
const DEMO_IMAGES = resolve(import.meta.dirname, "..", "..", "..", "..", "data", "demo", "images");
function faces(count: number, offset: number): { name: string; bytes: Buffer }[] {
  return readdirSync(DEMO_IMAGES)
    .sort()
    .slice(offset, offset + count)
    .map((name) => ({ name, bytes: readFileSync(join(DEMO_IMAGES, name)) }));
}

/** Stores real face JPEGs and inserts their image rows, as the importer would. */
async function addFaces(label: string, split: "train" | "val" | "test" | null, count: number) {
  const out: { id: string; sha256: string; bytes: Buffer }[] = [];
  for (const face of faces(count, faceOffset)) {
    const sha256 = createHash("sha256").update(face.bytes).digest("hex");
    const storageKey = `originals/${sha256.slice(0, 2)}/${sha256}.jpg`;
    await storage.put(storageKey, face.bytes, "image/jpeg");
    const row = await t.db.image.create({
      data: {
        sha256,
        storageKey,
        thumbKey: `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`,
        mimeType: "image/jpeg",
        width: 48,
        height: 48,
        sourcePath: face.name,
        sourceLabel: label,
        label,
        split,
        phash: 0n,
        blurScore: 100,
        contrast: 40,
      },
    });
    out.push({ id: row.id, sha256, bytes: face.bytes });
  }
  faceOffset += count;
  return out;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const images: Record<string, { id: string; sha256: string; bytes: Buffer }> = {};

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_snapshots");
  dir = mkdtempSync(join(tmpdir(), "mien-snapshots-"));
  storage = new LocalStorage(dir);
  await seedUsers(t.db, [
    ["cleo", "curator"],
    ["cato", "curator"],
    ["ada", "admin"],
  ]);
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("snapshots.create", () => {
  it("refuses to freeze an empty data set", async () => {
    await expect(as("ada", "admin").snapshots.create({})).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: /Nothing to freeze/ });
    expect(await t.db.datasetSnapshot.count()).toBe(0);
  });

  it("keeps each image by its effective status, records the options and the drops, and audits it", async () => {
    const [accepted, relabelled, flagged, conflict, resolvedRelabel, resolvedRemove, single] = await addFaces("anger", "train", 7);
    const [unreviewed] = await addFaces("happiness", "val", 1);
    const [noSplit] = await addFaces("happiness", null, 1);
    Object.assign(images, { accepted, relabelled, flagged, conflict, resolvedRelabel, resolvedRemove, single, unreviewed, noSplit });
    const admin = as("ada", "admin");
    await admin.admin.settings.setReviewsRequired({ value: 2 });
    const both = async (imageId: string, a: Decision, b: Decision = a) => {
      await as("cleo").review.decide({ imageId, decision: a });
      await as("cato").review.decide({ imageId, decision: b });
    };
    await both(accepted!.id, { kind: "accept" });
    await both(relabelled!.id, { kind: "relabel", label: "fear" }, { kind: "flag", flags: ["mislabelled"], suggestedLabel: "fear" });
    await both(flagged!.id, { kind: "flag", flags: ["unclear"] }, { kind: "flag", flags: ["text_overlay"] });
    await both(conflict!.id, { kind: "accept" }, { kind: "flag", flags: ["no_face"] });
    await both(resolvedRelabel!.id, { kind: "relabel", label: "sadness" }, { kind: "relabel", label: "disgust" });
    await admin.review.resolve({ imageId: resolvedRelabel!.id, resolution: { outcome: "relabel", label: "sadness" } });
    await both(resolvedRemove!.id, { kind: "accept" });
    await admin.review.resolve({ imageId: resolvedRemove!.id, resolution: { outcome: "remove" } });
    await as("cleo").review.decide({ imageId: single!.id, decision: { kind: "flag", flags: ["unclear"] } });
    await both(noSplit!.id, { kind: "accept" });

    const { snapshot, created } = await admin.snapshots.create({ name: "First freeze" });
    expect(created).toBe(true);
    expect(snapshot).toMatchObject({
      name: "First freeze",
      imageCount: 5,
      reviewsRequired: 2,
      reviewedOnly: false,
      dropped: { flagged: 1, conflict: 1, removed: 1, unassigned: 1 },
      createdBy: { id: "ada" },
    });
    const manifest = await readManifest(storage, snapshot.manifestKey, snapshot.contentHash);
    const bySha = Object.fromEntries(manifest.entries.map((e) => [e.sha256, `${e.label}/${e.split}`]));
    expect(bySha).toEqual({
      [accepted!.sha256]: "anger/train",
      [relabelled!.sha256]: "fear/train",
      [resolvedRelabel!.sha256]: "sadness/train",
      // Pending: one review of two, or none, keeps the current label.
      [single!.sha256]: "anger/train",
      [unreviewed!.sha256]: "happiness/val",
    });
    expect(snapshot.classCounts).toEqual({ train: { anger: 2, fear: 1, sadness: 1 }, val: { happiness: 1 }, test: {} });
    const audit = await t.db.auditLog.findMany({ where: { action: "snapshot.create" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: "ada",
      entityType: "snapshot",
      entityId: snapshot.id,
      after: { contentHash: snapshot.contentHash, imageCount: 5 },
    });
  });

  it("returns the existing snapshot for the same content, and a new one when the content changes", async () => {
    const admin = as("ada", "admin");
    const [first] = await admin.snapshots.list();
    const again = await admin.snapshots.create({ name: "Same again" });
    expect(again).toMatchObject({ created: false, snapshot: { id: first!.id, name: "First freeze" } });

    const reviewed = await admin.snapshots.create({ reviewedOnly: true });
    expect(reviewed.created).toBe(true);
    expect(reviewed.snapshot).toMatchObject({ imageCount: 3, reviewedOnly: true, dropped: { flagged: 1, conflict: 1, removed: 1, unassigned: 1, pending: 2 } });
    expect(reviewed.snapshot.name).toMatch(/^Curated set \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    // The admin settles the conflict: the next freeze differs from the first.
    await admin.review.resolve({ imageId: images.conflict!.id, resolution: { outcome: "accept" } });
    const third = await admin.snapshots.create({});
    expect(third).toMatchObject({ created: true, snapshot: { imageCount: 6, dropped: { flagged: 1, removed: 1, unassigned: 1 } } });
    expect((await admin.snapshots.list()).map((s) => s.id)).toEqual([third.snapshot.id, reviewed.snapshot.id, first!.id]);
    expect(await admin.snapshots.get({ id: first!.id })).toMatchObject({ imageCount: 5, _count: { trainingJobs: 0 } });
  });

  it("cannot be changed or deleted, even through the client", async () => {
    const [snapshot] = await as("ada", "admin").snapshots.list();
    await expect(t.db.datasetSnapshot.update({ where: { id: snapshot!.id }, data: { name: "renamed" } })).rejects.toThrow(/immutable/);
    await expect(t.db.datasetSnapshot.delete({ where: { id: snapshot!.id } })).rejects.toThrow(/immutable/);
    expect(await t.db.datasetSnapshot.findUnique({ where: { id: snapshot!.id }, select: { name: true } })).toEqual({ name: snapshot!.name });
  });

  it("is for admins only, and checks its input", async () => {
    await expect(as("cleo").snapshots.create({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as("cleo").snapshots.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as("ada", "admin").snapshots.create({ name: "x".repeat(101) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(as("ada", "admin").snapshots.get({ id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("exportSnapshot", () => {
  it("streams class folders with the verified manifest, byte for byte", async () => {
    const [first] = (await as("ada", "admin").snapshots.list()).slice(-1);
    const out = await exportSnapshot(t.db, storage, first!.id, "tar");
    expect(out.fileName).toBe(`mien-snapshot-${first!.contentHash.slice(0, 12)}.tar`);
    const files = await readTarExport(await drain(out.body));
    const manifest = files.get("manifest.tsv")!;
    expect(createHash("sha256").update(manifest).digest("hex")).toBe(first!.contentHash);
    expect([...files.keys()].sort()).toEqual(
      [
        "manifest.tsv",
        `train/anger/${images.accepted!.sha256}.jpg`,
        `train/fear/${images.relabelled!.sha256}.jpg`,
        `train/sadness/${images.resolvedRelabel!.sha256}.jpg`,
        `train/anger/${images.single!.sha256}.jpg`,
        `val/happiness/${images.unreviewed!.sha256}.jpg`,
      ].sort(),
    );
    expect(files.get(`train/fear/${images.relabelled!.sha256}.jpg`)!.equals(images.relabelled!.bytes)).toBe(true);
  });

  it("writes a CSV with the same rows", async () => {
    const [first] = (await as("ada", "admin").snapshots.list()).slice(-1);
    const out = await exportSnapshot(t.db, storage, first!.id, "csv");
    const lines = (await drain(out.body)).toString("utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("sha256,label,split,file");
    expect(lines).toHaveLength(6);
    expect(lines).toContain(`${images.relabelled!.sha256},fear,train,train/fear/${images.relabelled!.sha256}.jpg`);
  });

  it("fails with a clear error when an image is missing or was changed in storage, and for an unknown snapshot", async () => {
    const [first] = (await as("ada", "admin").snapshots.list()).slice(-1);
    const key = `originals/${images.accepted!.sha256.slice(0, 2)}/${images.accepted!.sha256}.jpg`;
    await storage.put(key, Buffer.from("not the original"));
    await expect(drain((await exportSnapshot(t.db, storage, first!.id, "tar")).body)).rejects.toThrow(/does not match its hash/);
    await storage.delete(key);
    await expect(drain((await exportSnapshot(t.db, storage, first!.id, "tar")).body)).rejects.toThrow(/missing from storage/);
    await storage.put(key, images.accepted!.bytes);
    await expect(exportSnapshot(t.db, storage, "00000000-0000-4000-8000-000000000000", "csv")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

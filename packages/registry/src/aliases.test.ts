import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { promoteVersion, rollbackAlias, rollbackTarget } from "./aliases.ts";

/** Registry rows only: alias moves never read the artifact files. */
async function addVersion(t: TestDatabase, number: number): Promise<string> {
  const row = await t.db.modelVersion.create({
    data: { number, contentHash: randomBytes(32).toString("hex"), artifactKey: `models/v${number}/`, manifest: {}, metrics: {} },
  });
  return row.id;
}

describe("the active alias (real PostgreSQL)", () => {
  let t: TestDatabase;
  const ids: string[] = [];
  const active = async () =>
    (await t.db.modelAlias.findUnique({ where: { name: "active" }, select: { version: { select: { number: true } } } }))?.version.number;

  beforeAll(async () => {
    t = await createTestDatabase("mien_registry_alias");
    for (const n of [1, 2, 3]) ids.push(await addVersion(t, n));
  });
  afterAll(() => t.drop());

  it("refuses to roll back before anything is active, with a clear reason", async () => {
    await expect(rollbackAlias(t.db, { actorId: null })).rejects.toThrow(/No version is active yet/);
  });

  it("keeps going back through promotions, and never toggles between two versions", async () => {
    await promoteVersion(t.db, { versionId: ids[0]!, actorId: null, action: "bootstrap" });
    await promoteVersion(t.db, { versionId: ids[1]!, actorId: null });
    await promoteVersion(t.db, { versionId: ids[2]!, actorId: null });
    expect(await active()).toBe(3);
    expect((await rollbackTarget(t.db))?.number).toBe(2);

    expect((await rollbackAlias(t.db, { actorId: null })).toVersion.number).toBe(2);
    expect((await rollbackTarget(t.db))?.number).toBe(1);
    expect((await rollbackAlias(t.db, { actorId: null })).toVersion.number).toBe(1);
    expect(await active()).toBe(1);
    expect(await rollbackTarget(t.db)).toBeNull();
    await expect(rollbackAlias(t.db, { actorId: null })).rejects.toThrow(/Version 1 is the first active version/);
    expect(await active()).toBe(1);
  });

  it("records every move in the alias history and the audit log", async () => {
    const history = await t.db.modelAliasChange.findMany({ orderBy: { id: "asc" }, select: { action: true } });
    expect(history.map((h) => h.action)).toEqual(["bootstrap", "promote", "promote", "rollback", "rollback"]);
    expect(await t.db.auditLog.count({ where: { entityType: "model_alias" } })).toBe(5);
  });

  it("promoting the active version again changes nothing", async () => {
    const move = await promoteVersion(t.db, { versionId: ids[0]!, actorId: null });
    expect(move.changed).toBe(false);
    expect(await t.db.modelAliasChange.count()).toBe(5);
  });

  it("refuses an unknown version", async () => {
    await expect(promoteVersion(t.db, { versionId: "00000000-0000-4000-8000-000000000000", actorId: null })).rejects.toThrow(/No model version/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { audit, AUDIT_ACTIONS, auditMany } from "./audit.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/index.ts";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_db_audit");
  await t.db.user.create({ data: { id: "admin", email: "admin@example.com", name: "Admin" } });
});

afterAll(async () => {
  await t?.drop();
});

const rows = (after = 0n) =>
  t.db.auditLog.findMany({
    where: { id: { gt: after } },
    orderBy: { id: "asc" },
    select: { actorId: true, action: true, entityType: true, entityId: true, before: true, after: true },
  });

describe("audit", () => {
  it("lists each action once, under one entity type", () => {
    const all = Object.values(AUDIT_ACTIONS).flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it("writes one row inside the caller's transaction, and nothing when that transaction fails", async () => {
    await t.db.$transaction(async (tx) => {
      await audit(tx, {
        actorId: "admin",
        action: "settings.set",
        entityType: "setting",
        entityId: "reviews_required",
        before: { value: 2 },
        after: { value: 3 },
      });
    });
    await expect(
      t.db.$transaction(async (tx) => {
        await audit(tx, { actorId: "admin", action: "snapshot.create", entityType: "snapshot", entityId: "s1" });
        throw new Error("the snapshot could not be written");
      }),
    ).rejects.toThrow("the snapshot could not be written");
    expect(await rows()).toEqual([
      { actorId: "admin", action: "settings.set", entityType: "setting", entityId: "reviews_required", before: { value: 2 }, after: { value: 3 } },
    ]);
  });

  it("fits an array transaction and writes several rows at once, a DbNull before as SQL NULL", async () => {
    // The log is append-only (a trigger refuses deletes), so read what this test adds.
    const last = (await t.db.auditLog.aggregate({ _max: { id: true } }))._max.id ?? 0n;
    await t.db.$transaction([audit(t.db, { actorId: null, action: "user.create", entityType: "user", entityId: "u1", after: { role: "curator" } })]);
    await auditMany(t.db, [
      { actorId: "admin", action: "review.bulk_flag", entityType: "image", entityId: "i1", before: Prisma.DbNull, after: { kind: "flag" } },
      { actorId: "admin", action: "review.bulk_flag", entityType: "image", entityId: "i2", before: Prisma.DbNull, after: { kind: "flag" } },
    ]);
    expect((await rows(last)).map((r) => [r.actorId, r.action, r.entityId, r.before])).toEqual([
      [null, "user.create", "u1", null],
      ["admin", "review.bulk_flag", "i1", null],
      ["admin", "review.bulk_flag", "i2", null],
    ]);
  });
});

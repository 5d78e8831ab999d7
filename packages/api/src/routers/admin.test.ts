import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Role } from "@mien/auth";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { createCaller } from "../root.ts";

let t: TestDatabase;

async function addUser(id: string, role: Role) {
  return t.db.user.create({ data: { id, email: `${id}@example.com`, name: id, role } });
}

function as(id: string, role: Role) {
  return createCaller({ db: t.db, session: { user: { id, email: `${id}@example.com`, name: id, role } }, headers: new Headers() });
}

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_admin");
  await addUser("ada", "admin");
  await addUser("carl", "user");
});
afterAll(async () => {
  await t?.drop();
});

describe("admin.users.setRole", () => {
  it("changes a role and writes one audit row naming the actor, before and after", async () => {
    const result = await as("ada", "admin").admin.users.setRole({ userId: "carl", role: "curator" });
    expect(result).toEqual({ id: "carl", role: "curator", changed: true });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: "carl" } })).role).toBe("curator");
    const audit = await t.db.auditLog.findMany({ where: { entityId: "carl" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: "ada",
      action: "user.set_role",
      entityType: "user",
      entityId: "carl",
      before: { role: "user" },
      after: { role: "curator" },
    });
  });

  it("does nothing, and audits nothing, when the role is already set", async () => {
    await expect(as("ada", "admin").admin.users.setRole({ userId: "carl", role: "curator" })).resolves.toMatchObject({
      changed: false,
    });
    expect(await t.db.auditLog.count({ where: { entityId: "carl" } })).toBe(1);
  });

  it("refuses to let the last admin demote themselves, with a clear error", async () => {
    await expect(as("ada", "admin").admin.users.setRole({ userId: "ada", role: "user" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/last admin.*Make another user an admin first/),
    });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: "ada" } })).role).toBe("admin");
    expect(await t.db.auditLog.count({ where: { entityId: "ada" } })).toBe(0);
  });

  it("lets an admin step down once another admin exists", async () => {
    await as("ada", "admin").admin.users.setRole({ userId: "carl", role: "admin" });
    await expect(as("ada", "admin").admin.users.setRole({ userId: "ada", role: "curator" })).resolves.toMatchObject({
      changed: true,
    });
    // Now carl is the only admin and cannot step down either.
    await expect(as("carl", "admin").admin.users.setRole({ userId: "carl", role: "user" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
  });

  it("never leaves zero admins when two admins demote each other at once", async () => {
    await as("carl", "admin").admin.users.setRole({ userId: "ada", role: "admin" });
    const results = await Promise.allSettled([
      as("ada", "admin").admin.users.setRole({ userId: "carl", role: "user" }),
      as("carl", "admin").admin.users.setRole({ userId: "ada", role: "user" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("says when the user does not exist, and validates the role", async () => {
    const admin = as("carl", "admin");
    const adminId = (await t.db.user.findFirstOrThrow({ where: { role: "admin" } })).id;
    await expect(as(adminId, "admin").admin.users.setRole({ userId: "nobody", role: "user" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No user with id nobody.",
    });
    await expect(admin.admin.users.setRole({ userId: "ada", role: "owner" as Role })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

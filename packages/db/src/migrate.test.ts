import { readFileSync } from "node:fs";
import { join } from "node:path";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { diffSql } from "../scripts/prisma6.mjs";
import { listMigrations, migrate, MIGRATIONS_DIR } from "./migrate.ts";
import { createEmptyDatabase } from "./testing/index.ts";

/** Everything about a schema that Prisma models: tables, columns, enums, indexes, constraints. */
async function describeSchema(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const q = async (sql: string) => (await c.query<{ d: string }>(sql)).rows.map((r) => r.d);
    return {
      columns:
        await q(`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') AS d
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_mien_migrations' ORDER BY 1`),
      enums: await q(`SELECT t.typname || ':' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS d
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY 1`),
      indexes: await q(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_mien_migrations' ORDER BY 1`),
      constraints: await q(`SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS d
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_mien_migrations' ORDER BY 1`),
    };
  } finally {
    await c.end();
  }
}

describe("migrations (real PostgreSQL)", () => {
  let viaMigrations: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let viaSchema: Awaited<ReturnType<typeof createEmptyDatabase>>;

  beforeAll(async () => {
    viaMigrations = await createEmptyDatabase("mien_test_mig");
    viaSchema = await createEmptyDatabase("mien_test_schema");
  });
  afterAll(async () => {
    await viaMigrations?.drop();
    await viaSchema?.drop();
  });

  it("apply in order, then are a no-op the second time", async () => {
    const first = await migrate(viaMigrations.url);
    expect(first.applied).toEqual(listMigrations().map((m) => m.name));
    const second = await migrate(viaMigrations.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toHaveLength(first.applied.length);
  });

  it("reproduce exactly the schema that schema.prisma describes", async () => {
    const schema = readFileSync(join(MIGRATIONS_DIR, "..", "schema.prisma"), "utf8");
    const sql = diffSql(null, schema);
    const c = new pg.Client({ connectionString: viaSchema.url });
    await c.connect();
    await c.query(sql);
    await c.end();
    const [a, b] = [await describeSchema(viaMigrations.url), await describeSchema(viaSchema.url)];
    expect(a.columns.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });

  it("refuse to run when an applied migration was edited", async () => {
    const c = new pg.Client({ connectionString: viaMigrations.url });
    await c.connect();
    const first = listMigrations()[0]!.name;
    await c.query(`UPDATE "_mien_migrations" SET checksum = repeat('0', 64) WHERE name = $1`, [first]);
    await c.end();
    await expect(migrate(viaMigrations.url)).rejects.toThrow(/was changed after it was applied/);
  });

  it("keep the audit log append-only", async () => {
    const c = new pg.Client({ connectionString: viaMigrations.url });
    await c.connect();
    try {
      await c.query(`INSERT INTO audit_log (action, "entityType", "entityId") VALUES ('test', 'image', '1')`);
      await expect(c.query(`UPDATE audit_log SET action = 'changed'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(c.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
      expect((await c.query(`SELECT action FROM audit_log`)).rows).toEqual([{ action: "test" }]);
    } finally {
      await c.end();
    }
  });
});

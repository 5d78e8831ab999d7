import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";

import { createSnapshot, EXPORT_FORMATS, exportSnapshot, type ExportFormat } from "@mien/api/snapshots";
import { createDb, type Db } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { createStorage } from "@mien/storage";

const USAGE = `Usage: pnpm mien snapshot <create|list|export> [options]

  create [--name NAME] [--reviewed-only] [--as EMAIL]
                      freeze the current curated set (the same content returns the existing snapshot)
      --reviewed-only leave out images not yet reviewed by enough curators
      --as EMAIL      the admin it is recorded for (needed when there is more than one admin)
  list                every snapshot, newest first
  export <ID|HASH> [--format tar|csv] [--out FILE]
                      write a snapshot as class folders in a tar (<split>/<class>/<sha256>.<ext>) or as CSV;
                      ID is the snapshot id or the start of its content hash; --out - writes to stdout`;

const number = new Intl.NumberFormat("en-US");

class UsageError extends Error {}

/** The admin a CLI freeze is recorded for: --as, or the only admin there is. */
async function actorFor(db: Db, email: string | undefined): Promise<{ id: string; email: string }> {
  if (email) {
    const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, email: true, role: true } });
    if (!user) throw new UsageError(`No account with email ${email}. Create one with \`pnpm mien user add … --role admin\`.`);
    if (user.role !== "admin") throw new UsageError(`${user.email} is a ${user.role}; freezing a snapshot needs an admin.`);
    return user;
  }
  const admins = await db.user.findMany({ where: { role: "admin" }, select: { id: true, email: true }, take: 2 });
  if (admins.length === 1) return admins[0]!;
  throw new UsageError(
    admins.length === 0
      ? "There is no admin to record this snapshot for. Create one with `pnpm mien user add … --role admin`."
      : "There is more than one admin: say whose snapshot this is with --as EMAIL.",
  );
}

/** A snapshot by id, or by a unique start of its content hash (at least 6 hex digits). */
async function findSnapshot(db: Db, ref: string): Promise<{ id: string }> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    const found = await db.datasetSnapshot.findUnique({ where: { id: ref.toLowerCase() }, select: { id: true } });
    if (found) return found;
  } else if (/^[0-9a-f]{6,64}$/i.test(ref)) {
    const found = await db.datasetSnapshot.findMany({ where: { contentHash: { startsWith: ref.toLowerCase() } }, select: { id: true }, take: 2 });
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new UsageError(`More than one snapshot's hash starts with ${ref}; give more of it.`);
  }
  throw new UsageError(`No snapshot "${ref}". \`pnpm mien snapshot list\` shows their ids and hashes.`);
}

async function create(db: Db, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { name: { type: "string" }, "reviewed-only": { type: "boolean", default: false }, as: { type: "string" } },
  });
  const name = values.name?.trim();
  if (values.name !== undefined && (!name || name.length > 100)) throw new UsageError("--name must be 1 to 100 characters.");
  const actor = await actorFor(db, values.as);
  const storage = createStorage(loadServerEnv());
  const { snapshot, created } = await createSnapshot(db, storage, { actorId: actor.id, name, reviewedOnly: values["reviewed-only"] ?? false });
  const dropped = Object.entries(snapshot.dropped as Record<string, number>).map(([reason, n]) => `${reason} ${number.format(n)}`);
  console.log(
    `${created ? "Froze" : "Already frozen as"} snapshot ${snapshot.id} "${snapshot.name}": ${number.format(snapshot.imageCount)} images, content hash ${snapshot.contentHash}` +
      `\n  left out: ${dropped.length ? dropped.join(", ") : "none"}${snapshot.reviewedOnly ? " (reviewed only)" : ""}; ${snapshot.reviewsRequired} review(s) required`,
  );
  return 0;
}

async function list(db: Db): Promise<number> {
  const rows = await db.datasetSnapshot.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    select: { id: true, name: true, contentHash: true, imageCount: true, reviewedOnly: true, createdAt: true, createdBy: { select: { email: true } } },
  });
  if (rows.length === 0) {
    console.log("No snapshots yet. Freeze one with `pnpm mien snapshot create`.");
    return 0;
  }
  for (const s of rows) {
    console.log(
      [
        s.id,
        s.contentHash.slice(0, 12),
        s.createdAt.toISOString(),
        `${number.format(s.imageCount)} images${s.reviewedOnly ? " (reviewed only)" : ""}`,
        s.createdBy.email,
        s.name,
      ].join("\t"),
    );
  }
  return 0;
}

async function exportCommand(db: Db, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: "string", default: "tar" }, out: { type: "string" } },
  });
  if (positionals.length !== 1) throw new UsageError("Give the snapshot to export: its id or the start of its content hash.");
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be tar or csv, got "${values.format}".`);
  const { id } = await findSnapshot(db, positionals[0]!);
  const out = await exportSnapshot(db, createStorage(loadServerEnv()), id, format);
  if (values.out === "-") {
    await pipeline(Readable.from(out.body), process.stdout);
    return 0;
  }
  const target = resolve(values.out ?? out.fileName);
  // Written beside the target and renamed at the end, so a failed export leaves no half file behind.
  const partial = `${target}.partial`;
  try {
    await pipeline(Readable.from(out.body), createWriteStream(partial));
    await rename(partial, target);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  console.log(`Wrote ${target}`);
  return 0;
}

/** `pnpm mien snapshot create|list|export`. */
export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || action === "--help" || action === "-h") {
    console.log(USAGE);
    return action ? 0 : 2;
  }
  const env = loadServerEnv();
  const db = createDb(env.DATABASE_URL, { max: 2 });
  try {
    if (action === "create") return await create(db, rest);
    if (action === "list") return await list(db);
    if (action === "export") return await exportCommand(db, rest);
    throw new UsageError(`Unknown action "${action}".`);
  } catch (err) {
    // Bad arguments (parseArgs throws TypeErrors with a code) are usage errors: exit 2 with the usage.
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  } finally {
    await db.$disconnect();
  }
}

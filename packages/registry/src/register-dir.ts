import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import type { Db } from "@mien/db";
import type { Storage } from "@mien/storage";

import { promoteVersion } from "./aliases.ts";
import { ACTIVE_ALIAS } from "./keys.ts";
import { publishVersion, type PublishedVersion } from "./publish.ts";

/**
 * Registers a version folder (such as the committed models/default) and, when no version is
 * active yet, makes it active: how a fresh machine gets a working coach page.
 */
export async function registerVersionDir(db: Db, storage: Storage, dir: string): Promise<PublishedVersion & { activated: boolean }> {
  const files = new Map<string, Uint8Array>();
  for (const name of await readdir(dir)) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  const version = await publishVersion(db, storage, { files });
  let activated = false;
  if (!(await db.modelAlias.findUnique({ where: { name: ACTIVE_ALIAS } }))) {
    activated = (await promoteVersion(db, { versionId: version.id, actorId: null, action: "bootstrap" })).changed;
  }
  return { ...version, activated };
}

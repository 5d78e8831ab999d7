import { createHash } from "node:crypto";

import type { Role } from "@mien/auth";
import type { Db, Prisma } from "@mien/db";
import type { Storage } from "@mien/storage";

import { createCaller } from "../root.ts";

let n = 0;

/** Inserts `count` images of one class and split straight into the table (with `fields` overriding any column); returns their ids in id order. */
export async function seedImages(
  db: Db,
  label: string,
  split: "train" | "val" | "test" | null,
  count: number,
  options: { tag?: string; fields?: Partial<Prisma.ImageCreateManyInput> } = {},
): Promise<string[]> {
  const rows = await db.image.createManyAndReturn({
    data: Array.from({ length: count }, () => {
      const sha256 = createHash("sha256")
        .update(`${options.tag ?? "fixture"}-${process.pid}-${n++}`)
        .digest("hex");
      return {
        sha256,
        storageKey: `originals/${sha256.slice(0, 2)}/${sha256}.jpg`,
        thumbKey: `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`,
        mimeType: "image/jpeg",
        width: 48,
        height: 48,
        sourcePath: `fixture/${sha256}.jpg`,
        sourceLabel: label,
        label,
        split,
        phash: 0n,
        blurScore: 100,
        contrast: 40,
        ...options.fields,
      };
    }),
    select: { id: true },
  });
  return rows.map((r) => r.id).sort();
}

/** Creates users with these ids and roles (name = id, email = id@example.com). */
export async function seedUsers(db: Db, users: readonly (readonly [string, Role])[]): Promise<void> {
  for (const [id, role] of users) await db.user.create({ data: { id, email: `${id}@example.com`, name: id, role } });
}

/** A tRPC caller signed in as `id` with `role`. */
export function callerAs(db: Db, id: string, role: Role = "curator", storage?: Storage) {
  return createCaller({ db, storage, session: { user: { id, email: `${id}@example.com`, name: id, role } }, headers: new Headers() });
}

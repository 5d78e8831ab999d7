import { CLASS_SYNONYMS, EXPRESSION_CLASSES } from "@mien/vocabulary/classes";

import type { Db } from "./client.ts";

/** Upserts the canonical classes and their synonyms. Idempotent. */
export async function ensureReferenceData(db: Db): Promise<void> {
  await db.$transaction([
    ...EXPRESSION_CLASSES.map((name, position) => db.expressionClass.upsert({ where: { name }, create: { name, position }, update: { position } })),
    ...Object.entries(CLASS_SYNONYMS).map(([synonym, className]) =>
      db.classSynonym.upsert({ where: { synonym }, create: { synonym, className }, update: { className } }),
    ),
  ]);
}

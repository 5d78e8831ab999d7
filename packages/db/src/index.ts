export { createDb, getDb, type Db } from "./client.ts";
export { ensureReferenceData } from "./reference-data.ts";
export * from "./generated/prisma/client.ts";

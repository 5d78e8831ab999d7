export { createDb, getDb, type Db } from "./client.ts";
export { ensureReferenceData } from "./reference-data.ts";
export { audit, auditMany, AUDIT_ACTIONS, type AuditAction, type AuditEntityType, type AuditEntry } from "./audit.ts";
export * from "./generated/prisma/client.ts";

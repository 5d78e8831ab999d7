export { createSnapshot, createSnapshotInput, DROP_REASONS, type DropReason } from "./create.ts";
export { getSnapshot, listSnapshots, snapshotIdInput } from "./list.ts";
export { EXPORT_FORMATS, exportSnapshot, SnapshotExportError, type ExportFormat, type SnapshotExport } from "./export.ts";
export { snapshotStorage } from "./storage.ts";
export { readTarExport } from "./tar.ts";

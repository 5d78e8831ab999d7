import { ownBuffer, type ReadModelFile } from "@mien/model";
import { versionFileKey } from "@mien/registry";
import type { Storage } from "@mien/storage";

/** Reads a published version's files from storage, as loadExpressionModel asks for them. */
export function versionFiles(storage: Storage, contentHash: string): ReadModelFile {
  return async (name) => ownBuffer(await storage.get(versionFileKey(contentHash, name)));
}

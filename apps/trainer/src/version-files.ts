import { versionFileKey } from "@mien/registry";
import type { Storage } from "@mien/storage";

/** Reads a published version's files from storage, as loadExpressionModel asks for them. */
export function versionFiles(storage: Storage, contentHash: string): (name: string) => Promise<ArrayBuffer> {
  return async (name) => {
    const b = await storage.get(versionFileKey(contentHash, name));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
}

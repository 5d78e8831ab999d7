import { createStore, del, get, keys, set, type UseStore } from "idb-keyval";

import type { ReadModelFile } from "@mien/model";

import type { ActiveModelRef } from "./worker/protocol.ts";

let store: UseStore | undefined;
const files = () => (store ??= createStore("mien-models", "files"));

/**
 * Wraps a file reader with an IndexedDB cache keyed by `namespace` (a published model's content
 * hash, or a packaged model's versioned URL), so a model downloads once per device. `verify`
 * checks downloaded bytes before they are stored; cached bytes were verified when stored.
 * When IndexedDB is unavailable (some private windows), files are read through and the reason
 * is logged.
 */
export function cachedModelFiles(namespace: string, read: ReadModelFile, verify?: (name: string, bytes: ArrayBuffer) => Promise<void>): ReadModelFile {
  return async (name) => {
    const key = `${namespace}|${name}`;
    try {
      const hit = await get<ArrayBuffer>(key, files());
      if (hit) return hit;
    } catch (error) {
      console.warn(`Model cache unavailable, downloading ${name} instead: ${(error as Error).message}`);
    }
    const bytes = await read(name);
    await verify?.(name, bytes);
    try {
      await set(key, bytes, files());
    } catch (error) {
      console.warn(`Could not cache ${name} on this device: ${(error as Error).message}`);
    }
    return bytes;
  };
}

/** Deletes cached files of every namespace not in `keep` (superseded model versions). */
export async function pruneModelCache(keep: readonly string[]): Promise<number> {
  const all = (await keys(files())) as string[];
  const stale = all.filter((k) => !keep.includes(k.split("|")[0]!));
  await Promise.all(stale.map((k) => del(k, files())));
  return stale.length;
}

/** Lower-case hex sha256 of some bytes (WebCrypto; available in workers on secure origins). */
export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

let state: UseStore | undefined;
const coachState = () => (state ??= createStore("mien-coach", "state"));
const LAST_GOOD = "last-good-model";

/** Remembers the registry version that last loaded on this device, to fall back to if a newer one is broken. */
export async function rememberGoodModel(ref: ActiveModelRef): Promise<void> {
  try {
    await set(LAST_GOOD, ref, coachState());
  } catch (error) {
    console.warn(`Could not remember the model on this device: ${(error as Error).message}`);
  }
}

/** The registry version that last loaded on this device, if any. */
export async function lastGoodModel(): Promise<ActiveModelRef | null> {
  try {
    return (await get<ActiveModelRef>(LAST_GOOD, coachState())) ?? null;
  } catch {
    return null;
  }
}

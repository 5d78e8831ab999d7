// Real images for tests: the shared corpus at ../shared/data (see its README).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** ../shared/data seen from the repository root, found by walking up (the checkout may be a nested worktree). */
export function sharedData(from: string = import.meta.dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "shared", "data"))) return join(dir, "shared", "data");
  }
  throw new Error(`No shared/data folder above ${from}; the screening tests read real faces from ../shared/data.`);
}

/** One image of the facial-expressions corpus, by file name. */
export function corpusImage(name: string): Buffer {
  return readFileSync(join(sharedData(), "facial-expressions", "images", name));
}

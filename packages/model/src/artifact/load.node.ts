import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { folderModelFiles, nodeModelSources } from "../model-files.node.ts";
import type { ExpressionModel } from "./expression-model.ts";
import { loadExpressionModel } from "./load.ts";
import { parseArtifactManifest, type ArtifactManifest } from "./manifest.ts";

/** Reads and validates `<dir>/manifest.json`, naming the folder when it is missing or invalid. */
export async function readArtifactManifest(dir: string): Promise<ArtifactManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, "manifest.json"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(`${dir} has no manifest.json; point at a model version folder (such as models/default).`);
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${dir}/manifest.json is not valid JSON.`);
  }
  return parseArtifactManifest(json);
}

/** Loads a version folder (manifest.json, model.json, shards) with the npm-shipped backbones. */
export async function loadExpressionModelFromDir(dir: string): Promise<ExpressionModel> {
  return loadExpressionModel(await readArtifactManifest(dir), folderModelFiles(dir), nodeModelSources());
}

import {
  loadExpressionModel,
  parseArtifactManifest,
  urlModelFiles,
  ZeroShotExpressionModel,
  type ArtifactManifest,
  type ModelSources,
  type ReadModelFile,
  type RunnableExpressionModel,
} from "@mien/model";
import { cachedModelFiles, pruneModelCache, sha256Hex } from "./model-cache.ts";
import type { ActiveModelRef, LoadedModel, PackagedUrls } from "./worker/protocol.ts";

/** How a published version runs: the same loader `mien eval` and the trainer's evaluation use. */
type LoadPublished = (manifest: ArtifactManifest, read: ReadModelFile, sources: ModelSources) => Promise<RunnableExpressionModel>;
const LOAD_PUBLISHED: LoadPublished = loadExpressionModel;

export interface CoachModel {
  model: RunnableExpressionModel;
  info: LoadedModel;
}

/** The packaged files every model may use (frozen backbones, the detector), cached per version URL. */
export function packagedSources(urls: PackagedUrls): ModelSources {
  return {
    faceApi: cachedModelFiles(urls.faceApi, urlModelFiles(urls.faceApi)),
    human: cachedModelFiles(urls.human, urlModelFiles(urls.human)),
  };
}

/** ".../face-api/1.7.15/" → "packaged:face-api@1.7.15" (the served URL names package and version). */
function packagedKey(url: string): string {
  const [name, version] = new URL(url, "http://localhost").pathname.split("/").filter(Boolean).slice(-2);
  return `packaged:${name}@${version}`;
}

async function loadPackaged(urls: PackagedUrls, sources: ModelSources, fallbackReason?: string): Promise<CoachModel> {
  const model = await ZeroShotExpressionModel.load(sources);
  return {
    model,
    info: {
      key: packagedKey(urls.faceApi),
      name: model.manifest.name,
      version: null,
      source: "packaged",
      classes: [...model.classes],
      abstainThreshold: model.manifest.calibration.abstainThreshold,
      cardUrl: "/coach/model-card",
      ...(fallbackReason ? { fallbackReason } : {}),
    },
  };
}

/** Fetches a published version's files through the device cache, each checked against the manifest's sha256. */
async function loadPublished(active: ActiveModelRef, sources: ModelSources): Promise<CoachModel> {
  const remote = urlModelFiles(active.baseUrl);
  const manifestBytes = await cachedModelFiles(active.contentHash, remote, async (_name, bytes) => {
    const hash = await sha256Hex(bytes);
    if (hash !== active.contentHash) throw new Error(`manifest.json of ${active.name} has sha256 ${hash}, not the promoted ${active.contentHash}.`);
  })("manifest.json");
  const manifest = parseArtifactManifest(JSON.parse(new TextDecoder().decode(manifestBytes)));
  const expected = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const read = cachedModelFiles(active.contentHash, remote, async (name, bytes) => {
    const want = expected.get(name);
    if (!want) throw new Error(`${name} is not listed in the manifest of ${active.name}.`);
    const hash = await sha256Hex(bytes);
    if (hash !== want) throw new Error(`${name} of ${active.name} is corrupt (sha256 ${hash}, manifest says ${want}).`);
  });
  const model = await LOAD_PUBLISHED(manifest, read, sources);
  return {
    model,
    info: {
      key: active.contentHash,
      name: manifest.name,
      version: String(active.version),
      source: "registry",
      classes: [...model.classes],
      abstainThreshold: manifest.calibration.abstainThreshold,
      cardUrl: `/coach/model-card/${active.contentHash}`,
    },
  };
}

/**
 * The model the coach should run: the promoted version when there is one and it loads, otherwise
 * the packaged model, with the reason. Old versions are pruned from the device cache.
 */
export async function loadCoachModel(active: ActiveModelRef | null, urls: PackagedUrls, sources: ModelSources): Promise<CoachModel> {
  let loaded: CoachModel;
  if (active) {
    try {
      loaded = await loadPublished(active, sources);
    } catch (error) {
      const reason = `Version ${active.version} (${active.name}) could not be loaded: ${(error as Error).message.replace(/\.+$/, "")}.`;
      console.warn(reason);
      loaded = await loadPackaged(urls, sources, reason);
    }
  } else {
    loaded = await loadPackaged(urls, sources);
  }
  const keep = [urls.faceApi, urls.human, ...(loaded.info.source === "registry" ? [loaded.info.key] : [])];
  pruneModelCache(keep).catch((error: unknown) => console.warn(`Could not prune old models from this device: ${(error as Error).message}`));
  return loaded;
}

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
import type { ActiveModelAnswer, ActiveModelRef, LoadedModel, PackagedUrls } from "./worker/protocol.ts";

/** How a published version runs: the same loader `mien eval` and the trainer's evaluation use. */
type LoadPublished = (manifest: ArtifactManifest, read: ReadModelFile, sources: ModelSources) => Promise<RunnableExpressionModel>;
const LOAD_PUBLISHED: LoadPublished = loadExpressionModel;

export interface CoachModel {
  model: RunnableExpressionModel;
  info: LoadedModel;
  /** The registry version it is, when it is one (what the coach falls back to next time). */
  ref?: ActiveModelRef;
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
    ref: active,
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
 * The model the coach should run: the promoted version when there is one and it loads; else the
 * last version that loaded on this device (`lastGood`, whose files are cached and were checked
 * when cached); else the packaged model. The reason for a fallback is kept for the page. When the
 * registry could not be asked ("unreachable", e.g. offline), the last good version is simply the
 * one to run: no fallback reason, since nothing failed. Versions no longer needed are pruned from
 * the device cache.
 */
export async function loadCoachModel(
  active: ActiveModelAnswer,
  urls: PackagedUrls,
  sources: ModelSources,
  lastGood: ActiveModelRef | null = null,
): Promise<CoachModel> {
  let loaded: CoachModel | null = null;
  let reason: string | undefined;
  if (active === "unreachable") {
    if (!lastGood) {
      reason = "The model registry could not be reached, and no published version has run on this device yet.";
    } else {
      try {
        loaded = await loadPublished(lastGood, sources);
      } catch (error) {
        reason = `The model registry could not be reached, and version ${lastGood.version} (${lastGood.name}) is not usable on this device: ${(error as Error).message.replace(/\.+$/, "")}.`;
        console.warn(reason);
      }
    }
  } else if (active) {
    try {
      loaded = await loadPublished(active, sources);
    } catch (error) {
      reason = `Version ${active.version} (${active.name}) could not be loaded: ${(error as Error).message.replace(/\.+$/, "")}.`;
      console.warn(reason);
    }
  }
  if (!loaded && reason && active && active !== "unreachable" && lastGood && lastGood.contentHash !== active.contentHash) {
    try {
      const kept = await loadPublished(lastGood, sources);
      loaded = { ...kept, info: { ...kept.info, fallbackReason: `${reason} Still running version ${lastGood.version} (${lastGood.name}).` } };
    } catch (error) {
      console.warn(`The last good version ${lastGood.version} could not be loaded either: ${(error as Error).message}`);
    }
  }
  loaded ??= await loadPackaged(urls, sources, reason);
  // Offline, a version that failed to load may be whole again once the network returns: keep it.
  const keep = [
    urls.faceApi,
    urls.human,
    ...(loaded.ref ? [loaded.ref.contentHash] : []),
    ...(active === "unreachable" && lastGood ? [lastGood.contentHash] : []),
  ];
  pruneModelCache(keep).catch((error: unknown) => console.warn(`Could not prune old models from this device: ${(error as Error).message}`));
  return loaded;
}

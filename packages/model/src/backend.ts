import * as tf from "@tensorflow/tfjs";
// Registers the "wasm" backend with tfjs-core as a side effect.
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export interface BackendAttempt {
  name: string;
  error?: string;
}

export interface BackendChoice {
  /** The backend TF.js now runs on. */
  name: string;
  /** Every backend tried, in order, with the reason each failed one was skipped. */
  attempts: BackendAttempt[];
}

export interface SelectBackendOptions {
  /** Backends to try, best first. Defaults to {@link BROWSER_BACKEND_ORDER}. */
  order?: readonly string[];
  /** Where the wasm backend finds its .wasm files (a URL prefix ending in "/"). */
  wasmPaths?: string;
  log?: (message: string) => void;
}

export const BROWSER_BACKEND_ORDER = ["webgl", "wasm", "cpu"] as const;

let wasmPathsSet = false;

/** Points the wasm backend at its binaries; must run before the backend first initialises. */
export function configureWasmPaths(prefix: string): void {
  if (wasmPathsSet) return;
  setWasmPaths(prefix.endsWith("/") ? prefix : `${prefix}/`);
  wasmPathsSet = true;
}

/** Switches TF.js to `name`; resolves to null on success or the reason it failed. */
export async function trySetBackend(name: string): Promise<string | null> {
  try {
    if (!tf.engine().registryFactory[name]) return "not registered";
    const ok = await tf.setBackend(name);
    if (!ok) return "initialisation failed";
    await tf.ready();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Tries each backend in order and keeps the first that initialises. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const { order = BROWSER_BACKEND_ORDER, log = console.info } = options;
  if (options.wasmPaths) configureWasmPaths(options.wasmPaths);
  return useFirstWorking(order, [], log);
}

/** Shared by the browser and Node selectors: `attempts` holds earlier failures to report. */
export async function useFirstWorking(order: readonly string[], attempts: BackendAttempt[], log: (message: string) => void): Promise<BackendChoice> {
  for (const name of order) {
    const error = await trySetBackend(name);
    if (error === null) {
      attempts.push({ name });
      const skipped = attempts.filter((a) => a.error).map((a) => `${a.name} (${a.error})`);
      log(`TF.js backend: ${name}${skipped.length ? `; skipped ${skipped.join(", ")}` : ""}`);
      return { name, attempts };
    }
    attempts.push({ name, error });
  }
  const reasons = attempts.map((a) => `${a.name}: ${a.error}`).join("; ");
  throw new Error(`No TF.js backend could start (${reasons}). Check that @tensorflow/tfjs is installed.`);
}

import { createRequire } from "node:module";
import { dirname } from "node:path";

import { configureWasmPaths, useFirstWorking, type BackendAttempt, type BackendChoice } from "./backend.ts";
import { registerWasmTrainingKernels } from "./wasm-kernels/index.ts";

/** Native bindings first (not installable on every machine), then wasm, then plain JS. */
const NATIVE_PACKAGES = [
  { pkg: "@tensorflow/tfjs-node-gpu", backend: "tensorflow" },
  { pkg: "@tensorflow/tfjs-node", backend: "tensorflow" },
] as const;

export const NODE_FALLBACK_ORDER = ["wasm", "cpu"] as const;

export interface SelectNodeBackendOptions {
  /** Force one backend, e.g. "cpu"; also read from MIEN_TF_BACKEND. */
  only?: string;
  log?: (message: string) => void;
}

/** Folder holding tfjs-backend-wasm's .wasm binaries in this install. */
export function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
}

/** Picks the fastest TF.js backend available in Node and logs which one it is. */
export async function selectNodeBackend(options: SelectNodeBackendOptions = {}): Promise<BackendChoice> {
  const log = options.log ?? ((m: string) => console.error(m));
  const only = options.only ?? process.env.MIEN_TF_BACKEND;
  configureWasmPaths(wasmDistDir());
  const attempts: BackendAttempt[] = [];
  if (!only || only === "tensorflow") {
    for (const { pkg, backend } of NATIVE_PACKAGES) {
      try {
        // A variable specifier keeps bundlers and tsc from requiring the optional package.
        const specifier: string = pkg;
        await import(/* @vite-ignore */ specifier);
        return await useFirstWorking([backend], attempts, log);
      } catch (error) {
        const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
        attempts.push({ name: pkg, error: message });
      }
    }
  }
  const order = only && only !== "tensorflow" ? [only] : NODE_FALLBACK_ORDER;
  const choice = await useFirstWorking(order, attempts, log);
  // Training on wasm needs Mien's gradient kernels (and its fast transposes and matMul layouts).
  if (choice.name === "wasm") registerWasmTrainingKernels();
  return choice;
}

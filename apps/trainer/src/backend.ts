import { envValue } from "@mien/env";
import { useFirstWorking, type BackendAttempt, type BackendChoice } from "@mien/model";
import { selectNodeBackend } from "@mien/model/node";

/** Native TensorFlow bindings, best first; optional dependencies of this app (they install only where libtensorflow can be fetched). */
const NATIVE = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/**
 * tfjs-node-gpu, then tfjs-node, then wasm, then cpu, logging the choice. The native packages are
 * this app's optional dependencies, so they are imported from here (pnpm keeps them invisible to
 * packages/model); importing one registers the "tensorflow" backend with the shared TF.js core.
 */
export async function selectTrainerBackend(log: (line: string) => void): Promise<BackendChoice> {
  const forced = envValue("MIEN_TF_BACKEND");
  if (forced && forced !== "tensorflow") return selectNodeBackend({ log, only: forced });
  const attempts: BackendAttempt[] = [];
  for (const pkg of NATIVE) {
    try {
      // A variable specifier keeps tsc and bundlers from requiring the optional package.
      const specifier: string = pkg;
      await import(specifier);
      return await useFirstWorking(["tensorflow"], attempts, log);
    } catch (error) {
      attempts.push({ name: pkg, error: error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error) });
    }
  }
  const fallback = await selectNodeBackend({ log: () => {} });
  const skipped = [...attempts, ...fallback.attempts.filter((a) => a.error && !a.name.startsWith("@tensorflow/"))].map((a) => `${a.name} (${a.error})`);
  log(`TF.js backend: ${fallback.name}; skipped ${skipped.join(", ")}`);
  return { name: fallback.name, attempts: [...attempts, ...fallback.attempts.filter((a) => !a.name.startsWith("@tensorflow/"))] };
}

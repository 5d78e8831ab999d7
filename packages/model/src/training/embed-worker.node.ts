// A worker thread that embeds face crops with frozen backbones on its own TF.js backend.
import { parentPort, workerData } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { augmentBatch, type AugmentationDraw } from "../augment.ts";
import { isBackboneId, loadBackbone } from "../backbones/index.ts";
import type { Backbone } from "../backbones/types.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { preprocess } from "../preprocess.ts";

export interface EmbedWorkerInit {
  backbones: string[];
  backend?: string;
}

export type EmbedRequest = {
  id: number;
  crops: Float32Array;
  shape: [number, number, number, number];
  flip: boolean;
  draws: AugmentationDraw[] | null;
  backbones: string[];
};
export type EmbedReply = { id: number; out: Record<string, Float32Array> } | { id?: number; error: string } | { ready: true };

const init = workerData as EmbedWorkerInit;
const port = parentPort!;

async function main() {
  await selectNodeBackend({ only: init.backend, log: () => {} });
  const sources = nodeModelSources();
  const backbones = new Map<string, Backbone>();
  for (const id of init.backbones) {
    if (!isBackboneId(id)) throw new Error(`Unknown backbone ${id}.`);
    backbones.set(id, await loadBackbone(id, sources));
  }
  port.postMessage({ ready: true } satisfies EmbedReply);
  port.on("message", (m: EmbedRequest | { close: true }) => {
    if ("close" in m) {
      backbones.forEach((b) => b.dispose());
      port.close();
      return;
    }
    try {
      const out: Record<string, Float32Array> = {};
      tf.tidy(() => {
        let x = tf.tensor4d(m.crops, m.shape);
        if (m.draws) x = augmentBatch(x, m.draws);
        for (const id of m.backbones) {
          const b = backbones.get(id)!;
          out[id] = b.embed(preprocess(x, b.input, { flip: m.flip })).dataSync() as Float32Array;
        }
      });
      port.postMessage(
        { id: m.id, out } satisfies EmbedReply,
        Object.values(out).map((a) => a.buffer as ArrayBuffer),
      );
    } catch (error) {
      port.postMessage({ id: m.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies EmbedReply);
    }
  });
}

main().catch((error: unknown) => port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies EmbedReply));

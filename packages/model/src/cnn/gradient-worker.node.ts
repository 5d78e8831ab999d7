// A worker thread that computes gradients and predictions for the data-parallel trainer. It
// owns a TF.js backend of its own and a replica of the network, whose weights arrive with
// every request, so replicas never drift apart.
import { parentPort, workerData } from "node:worker_threads";

import * as tf from "@tensorflow/tfjs";

import { loadTrunk, type Trunk } from "../backbones/trunks.ts";
import { selectNodeBackend } from "../backend.node.ts";
import { nodeModelSources } from "../model-files.node.ts";
import { preprocess } from "../preprocess.ts";
import { registerWasmTrainingKernels } from "../wasm-kernels/index.ts";
import { createNet } from "./create-net.ts";
import { gatherFeatures, gatherPixels, storeFeatures, type TrainingDataset } from "./dataset-buffer.ts";
import { writeArrays } from "./net.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.ts";
import { predictLogits, shardGradients, type InputLayout } from "./shard.ts";

const init = workerData as WorkerInit;
const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
/** Rows per forward pass when predicting or running the trunk (bounds activation memory). */
const CHUNK = 128;

function layoutOf(data: TrainingDataset, norm: WorkerInit["norm"]): InputLayout {
  return data.kind === "pixels" ? { kind: "pixels", side: data.side, channels: data.channels, norm } : { kind: "features", shape: data.shape };
}

function gatherRows(data: TrainingDataset, indices: Int32Array): Uint8Array | Float32Array {
  return data.kind === "pixels" ? gatherPixels(data, indices) : gatherFeatures(data, indices);
}

async function main() {
  const choice = await selectNodeBackend({ only: init.backend, log: () => {} });
  if (choice.name === "wasm") registerWasmTrainingKernels();
  const net = await createNet(init.net, init.seed, nodeModelSources);
  const trunk: Trunk | null = init.trunk ? await loadTrunk(init.trunk, nodeModelSources()) : null;
  const stateVars = [...net.state.values()];
  const layout = layoutOf(init.data, init.norm);
  const classes = init.net.classes;
  send({
    type: "ready",
    backend: choice.name,
    paramNames: [...net.paramNames],
    paramShapes: net.params.map((p) => [...p.shape]),
    stateNames: [...net.state.keys()],
  });
  port.on("message", (message: ToWorker) => {
    try {
      switch (message.type) {
        case "close":
          net.dispose();
          trunk?.dispose();
          port.close();
          return;
        case "step": {
          writeArrays(net.params, message.params);
          const results = message.shards.map((shard) =>
            shardGradients(net, { ...shard, rows: gatherRows(init.data, shard.indices), n: shard.indices.length }, layout, classes),
          );
          send(
            { type: "step", id: message.id, results },
            results.flatMap((r) => r.grads.map((g) => g.buffer as ArrayBuffer)),
          );
          return;
        }
        case "weights": {
          const params = net.params.map((p) => p.dataSync() as Float32Array);
          const state = stateVars.map((v) => v.dataSync() as Float32Array);
          send({ type: "weights", id: message.id, params, state });
          return;
        }
        case "trunk": {
          if (!trunk || !init.trunk) throw new Error("This worker has no trunk to run.");
          const { pixels, out } = init.trunk;
          for (let start = message.from; start < message.to; start += CHUNK) {
            const end = Math.min(message.to, start + CHUNK);
            const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
            const values = tf.tidy(() => {
              const rgb = tf.tensor4d(Float32Array.from(gatherPixels(pixels, indices)), [indices.length, pixels.side, pixels.side, pixels.channels]);
              const crops = pixels.channels === 1 ? tf.tile(rgb, [1, 1, 1, 3]) : rgb;
              return trunk.run(preprocess(crops as tf.Tensor4D, trunk.input, { flip: message.flip })).dataSync() as Float32Array;
            });
            storeFeatures(out, message.outRow + (start - message.from), values);
          }
          send({ type: "trunk", id: message.id });
          return;
        }
        case "predict": {
          writeArrays(net.params, message.params);
          writeArrays(stateVars, message.state);
          const logits = new Float32Array(message.indices.length * classes);
          for (let start = 0; start < message.indices.length; start += CHUNK) {
            const chunk = message.indices.subarray(start, start + CHUNK);
            logits.set(predictLogits(net, gatherRows(init.data, chunk), chunk.length, layout, message.flip), start * classes);
          }
          send({ type: "predict", id: message.id, logits }, [logits.buffer as ArrayBuffer]);
          return;
        }
      }
    } catch (error) {
      send({ type: "error", id: "id" in message ? message.id : undefined, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}

main().catch((error: unknown) => send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));

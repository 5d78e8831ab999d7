// A worker thread that computes gradients and predictions for the data-parallel trainer. It
// owns a TF.js backend of its own and a replica of the network, whose weights arrive with
// every request, so replicas never drift apart.
import { parentPort, workerData } from "node:worker_threads";
import { selectNodeBackend } from "../backend.node.ts";
import { registerWasmTrainingKernels } from "../wasm-kernels/index.ts";
import { createNet } from "./create-net.ts";
import { gatherPixels } from "./dataset-buffer.ts";
import { writeArrays } from "./net.ts";
import type { FromWorker, ToWorker, WorkerInit } from "./protocol.ts";
import { predictLogits, shardGradients } from "./shard.ts";

const init = workerData as WorkerInit;
const PREDICT_CHUNK = 256;
const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function main() {
  const choice = await selectNodeBackend({ only: init.backend, log: () => {} });
  if (choice.name === "wasm") registerWasmTrainingKernels();
  const net = createNet(init.net, init.seed);
  const stateVars = [...net.state.values()];
  const { side, channels } = init.data;
  const classes = init.net.classes;
  send({ type: "ready", backend: choice.name, paramNames: [...net.paramNames], paramShapes: net.params.map((p) => [...p.shape]), stateNames: [...net.state.keys()] });
  port.on("message", (message: ToWorker) => {
    try {
      if (message.type === "close") {
        net.dispose();
        port.close();
        return;
      }
      if (message.type === "step") {
        writeArrays(net.params, message.params);
        const results = message.shards.map((shard) =>
          shardGradients(net, { ...shard, pixels: gatherPixels(init.data, shard.indices), n: shard.indices.length }, side, channels, init.norm, classes),
        );
        send({ type: "step", id: message.id, results }, results.flatMap((r) => r.grads.map((g) => g.buffer as ArrayBuffer)));
        return;
      }
      if (message.type === "weights") {
        const params = net.params.map((p) => p.dataSync() as Float32Array);
        const state = stateVars.map((v) => v.dataSync() as Float32Array);
        send({ type: "weights", id: message.id, params, state });
        return;
      }
      writeArrays(net.params, message.params);
      writeArrays(stateVars, message.state);
      // Chunks bound the activations' memory (a 48×48×32 map is 295 kB per image).
      const logits = new Float32Array(message.indices.length * classes);
      for (let start = 0; start < message.indices.length; start += PREDICT_CHUNK) {
        const chunk = message.indices.subarray(start, start + PREDICT_CHUNK);
        logits.set(predictLogits(net, gatherPixels(init.data, chunk), chunk.length, side, channels, init.norm, message.flip), start * classes);
      }
      send({ type: "predict", id: message.id, logits }, [logits.buffer as ArrayBuffer]);
    } catch (error) {
      send({ type: "error", id: "id" in message ? message.id : undefined, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}

main().catch((error: unknown) => send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));

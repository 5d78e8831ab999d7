import { Worker } from "node:worker_threads";

import type { AugmentationDraw } from "../augment.ts";
import type { EmbedReply, EmbedRequest, EmbedWorkerInit } from "./embed-worker.node.ts";

const ENTRY = new URL("./embed-worker-entry.mjs", import.meta.url);

/** One thread that embeds crops; requests are answered in order. */
class EmbedWorker {
  private next = 1;
  private readonly pending = new Map<number, { resolve(out: Record<string, Float32Array>): void; reject(e: Error): void }>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: EmbedReply) => {
      if ("ready" in m) return;
      const p = m.id === undefined ? null : this.pending.get(m.id);
      if ("error" in m) {
        const error = new Error(`Embedding worker failed: ${m.error}`);
        if (p) {
          this.pending.delete(m.id!);
          p.reject(error);
        } else this.failAll(error);
        return;
      }
      if (p) {
        this.pending.delete(m.id);
        p.resolve(m.out);
      }
    });
    worker.on("error", (e) => this.failAll(e));
  }

  private failAll(error: Error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  static start(init: EmbedWorkerInit): Promise<EmbedWorker> {
    const thread = new Worker(ENTRY, { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (m: EmbedReply) => {
        thread.off("message", onMessage);
        if ("ready" in m) resolve(new EmbedWorker(thread));
        else if ("error" in m) reject(new Error(`Embedding worker could not start: ${m.error}`));
      };
      thread.on("message", onMessage);
      thread.once("error", reject);
    });
  }

  embed(
    crops: Float32Array,
    shape: [number, number, number, number],
    flip: boolean,
    draws: AugmentationDraw[] | null,
    backbones: string[],
  ): Promise<Record<string, Float32Array>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, crops, shape, flip, draws, backbones } satisfies EmbedRequest);
    });
  }

  async close() {
    this.worker.postMessage({ close: true });
    await this.worker.terminate();
  }
}

/**
 * Frozen-backbone embedding over worker threads, each with its own TF.js backend and copy of
 * the backbones: the trainer's cold-cache embedding is CPU-bound, so two cores halve it.
 */
export class EmbedWorkers {
  private constructor(private readonly workers: EmbedWorker[]) {}

  static async start(threads: number, init: EmbedWorkerInit): Promise<EmbedWorkers> {
    const started = await Promise.allSettled(Array.from({ length: threads }, () => EmbedWorker.start(init)));
    const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(ok.map((w) => w.close()));
      throw (failed as PromiseRejectedResult).reason;
    }
    return new EmbedWorkers(ok);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** Runs `work` for items 0..count-1 with one item in flight per thread. */
  async forEach(count: number, work: (item: number, worker: Pick<EmbedWorker, "embed">) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      this.workers.map(async (w) => {
        while (next < count) await work(next++, w);
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

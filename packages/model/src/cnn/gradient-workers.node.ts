import { Worker } from "node:worker_threads";

import type { FromWorker, ShardOutcome, ShardRef, ToWorker, WorkerInit } from "./protocol.ts";

const WORKER_URL = new URL("./gradient-worker-entry.mjs", import.meta.url);

/** A request to a worker, before it gets its id. */
type Request = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, "id"> : never) : never;

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: Error): void;
}

class GradientWorker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;
  backend = "";

  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: FromWorker) => {
      if (m.type === "ready") return;
      if (m.type === "error" && m.id === undefined) return this.fail(new Error(`Training worker failed: ${m.message}`));
      const id = (m as { id: number }).id;
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (m.type === "error") p.reject(new Error(`Training worker failed: ${m.message}`));
      else p.resolve(m);
    });
    worker.on("error", (e) => this.fail(e));
    worker.on("exit", (code) => {
      if (this.pending.size) this.fail(new Error(`Training worker exited with code ${code} while busy.`));
    });
  }

  private fail(error: Error) {
    this.failure = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  static start(init: WorkerInit): Promise<{ worker: GradientWorker; ready: Extract<FromWorker, { type: "ready" }> }> {
    const thread = new Worker(WORKER_URL, { workerData: init });
    const w = new GradientWorker(thread);
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === "ready") {
          thread.off("message", onMessage);
          w.backend = m.backend;
          resolve({ worker: w, ready: m });
        } else if (m.type === "error") {
          thread.off("message", onMessage);
          reject(new Error(`Training worker could not start: ${m.message}`));
        }
      };
      thread.on("message", onMessage);
      thread.once("error", reject);
    });
  }

  request<T extends FromWorker>(message: Request): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: FromWorker) => void, reject });
      this.worker.postMessage({ ...message, id } as ToWorker);
    });
  }

  async close() {
    this.worker.postMessage({ type: "close" } satisfies ToWorker);
    await this.worker.terminate();
  }
}

/**
 * Data parallelism over worker threads: each thread has its own TF.js backend and a replica of
 * the network. A step's shards are dealt round-robin (shard i → thread i mod threads), each
 * thread returns its shards' gradients, and the caller adds them in shard order, so the sum
 * does not depend on the number of threads.
 */
export class GradientWorkers {
  private constructor(
    private readonly workers: GradientWorker[],
    readonly paramNames: string[],
    readonly paramShapes: number[][],
    readonly stateNames: string[],
  ) {}

  get threads(): number {
    return this.workers.length;
  }

  get backend(): string {
    return this.workers[0]!.backend;
  }

  static async start(threads: number, init: WorkerInit): Promise<GradientWorkers> {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, not ${threads}.`);
    const started = await Promise.allSettled(Array.from({ length: threads }, () => GradientWorker.start(init)));
    const ok = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await Promise.all(ok.map((s) => s.worker.close()));
      throw (failed as PromiseRejectedResult).reason;
    }
    const first = ok[0]!.ready;
    return new GradientWorkers(
      ok.map((s) => s.worker),
      first.paramNames,
      first.paramShapes,
      first.stateNames,
    );
  }

  /** Gradients of every shard, in shard order. */
  async step(params: Float32Array[], shards: ShardRef[]): Promise<ShardOutcome[]> {
    const perWorker = this.workers.map(() => [] as number[]);
    shards.forEach((_, i) => perWorker[i % this.workers.length]!.push(i));
    const replies = await Promise.all(
      this.workers.map((w, t) =>
        perWorker[t]!.length
          ? w.request<Extract<FromWorker, { type: "step" }>>({ type: "step", params, shards: perWorker[t]!.map((i) => shards[i]!) })
          : Promise.resolve(null),
      ),
    );
    const out: ShardOutcome[] = new Array(shards.length);
    replies.forEach((reply, t) => reply?.results.forEach((r, j) => (out[perWorker[t]![j]!] = r)));
    return out;
  }

  /**
   * Fine-tuning: the frozen trunk's output for pixel rows [0, rows) into the shared feature
   * buffer (mirrored images after `flipFrom`), split over the threads.
   */
  async runTrunk(rows: number, withFlip: number, onProgress?: (done: number, total: number) => Promise<void>): Promise<void> {
    // Jobs: [from, to, flip, outRow]; originals first, then mirrored copies of rows [0, withFlip).
    const jobs: { from: number; to: number; flip: boolean; outRow: number }[] = [];
    const step = 512;
    for (let from = 0; from < rows; from += step) jobs.push({ from, to: Math.min(rows, from + step), flip: false, outRow: from });
    for (let from = 0; from < withFlip; from += step) jobs.push({ from, to: Math.min(withFlip, from + step), flip: true, outRow: rows + from });
    const total = rows + withFlip;
    let done = 0;
    let next = 0;
    await Promise.all(
      this.workers.map(async (w) => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          await w.request({ type: "trunk", ...job });
          done += job.to - job.from;
          await onProgress?.(done, total);
        }
      }),
    );
  }

  /** The replicas' initial weights (every replica starts from the same seed). */
  async initialWeights(): Promise<{ params: Float32Array[]; state: Float32Array[] }> {
    const reply = await this.workers[0]!.request<Extract<FromWorker, { type: "weights" }>>({ type: "weights" });
    return { params: reply.params, state: reply.state };
  }

  /** Logits [indices.length × classes] in inference mode, split over the threads. */
  async predict(params: Float32Array[], state: Float32Array[], indices: Int32Array, flip: boolean, classes: number): Promise<Float32Array> {
    const parts = this.workers.length;
    const size = Math.ceil(indices.length / parts);
    const chunks = Array.from({ length: parts }, (_, t) => indices.subarray(t * size, Math.min(indices.length, (t + 1) * size)));
    const replies = await Promise.all(
      chunks.map((chunk, t) =>
        chunk.length
          ? this.workers[t]!.request<Extract<FromWorker, { type: "predict" }>>({ type: "predict", params, state, indices: chunk, flip })
          : Promise.resolve(null),
      ),
    );
    const out = new Float32Array(indices.length * classes);
    replies.forEach((r, t) => r && out.set(r.logits, t * size * classes));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

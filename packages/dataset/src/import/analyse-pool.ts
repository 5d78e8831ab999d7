import { Piscina } from "piscina";

import { analyseImage, ImageRejectedError, type ImageAnalysis } from "../image/analyse.ts";
import type { AnalyseResult, AnalyseTask } from "./analyse-worker.ts";

const ENTRY = new URL("./analyse-worker-entry.mjs", import.meta.url);

/**
 * Decoding, signals and thumbnails on worker threads, so an import uses every core: the main
 * thread keeps the files, the database and the storage writes. With 0 threads everything runs
 * on the main thread (small imports, where starting threads costs more than it saves).
 */
export class AnalysePool {
  private constructor(private readonly piscina: Piscina<AnalyseTask, AnalyseResult> | null) {}

  static start(threads: number): AnalysePool {
    if (threads <= 0) return new AnalysePool(null);
    // Two tasks per thread: while one waits on sharp (libuv's pool), the thread decodes the next.
    return new AnalysePool(new Piscina({ filename: ENTRY.href, minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 2, idleTimeout: 60_000 }));
  }

  get threads(): number {
    return this.piscina?.threads.length ?? 0;
  }

  /** Same contract as analyseImage: refusals throw ImageRejectedError. */
  async analyse(bytes: Buffer, sha256: string, maxPixels: number): Promise<ImageAnalysis> {
    if (!this.piscina) return analyseImage(bytes, { maxPixels, sha256 });
    // Copied, not transferred: the caller still stores these bytes (a few KB per image).
    const result = await this.piscina.run({ bytes, sha256, maxPixels });
    if (!result.ok) throw new ImageRejectedError(result.reason, result.detail);
    const { thumbnail } = result.analysis;
    return { ...result.analysis, thumbnail: thumbnail && Buffer.from(thumbnail.buffer, thumbnail.byteOffset, thumbnail.byteLength) };
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}

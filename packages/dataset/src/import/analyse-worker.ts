import { analyseImage, ImageRejectedError, type ImageAnalysis, type ImageRejection } from "../image/analyse.ts";

export interface AnalyseTask {
  bytes: Uint8Array;
  sha256: string;
  maxPixels: number;
}

/** A refusal crosses the thread boundary as data: a thrown error would lose its class and reason. */
export type AnalyseResult = { ok: true; analysis: ImageAnalysis } | { ok: false; reason: ImageRejection; detail: string };

/** One image, analysed on a worker thread (see analyse-pool.ts); other failures are thrown as they are. */
export default async function analyse({ bytes, sha256, maxPixels }: AnalyseTask): Promise<AnalyseResult> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return { ok: true, analysis: await analyseImage(buffer, { maxPixels, sha256 }) };
  } catch (err) {
    if (err instanceof ImageRejectedError) return { ok: false, reason: err.reason, detail: err.detail };
    throw err;
  }
}

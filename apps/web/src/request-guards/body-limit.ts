/**
 * Largest request body the API reads: 1 MiB. The largest legitimate input (review.bulkFlag at its
 * 500-id maximum) is about 25 KB, so this is ample headroom while bounding what one request can
 * make the server hold in memory.
 */
export const MAX_API_BODY_BYTES = 1024 * 1024;

export type BodyRead = { ok: true; body: Uint8Array<ArrayBuffer> | null } | { ok: false; response: Response };

export function payloadTooLarge(limit: number): Response {
  return Response.json(
    { error: `The request body is larger than the API accepts (${limit} bytes). Send less data per request, e.g. flag fewer images at once.` },
    { status: 413, headers: { "cache-control": "no-store", connection: "close" } },
  );
}

/**
 * Reads `req`'s body, refusing it as soon as it is known to exceed `limit`: up front from
 * Content-Length, else (chunked, or a lying length) while streaming, so an oversized body is never
 * held whole in memory.
 */
export async function readBodyWithin(req: Request, limit: number): Promise<BodyRead> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return { ok: false, response: payloadTooLarge(limit) };
  if (!req.body) return { ok: true, body: null };

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel("request body over the limit");
      return { ok: false, response: payloadTooLarge(limit) };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}

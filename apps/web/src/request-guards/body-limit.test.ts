import { describe, expect, it } from "vitest";

import { readBodyWithin } from "./body-limit.ts";

const URL_ = "http://localhost:3000/api/trpc/review.bulkFlag";

/** A chunked body (no Content-Length) that records how much of it was pulled. */
function streamed(chunks: number, chunkSize: number): { req: Request; pulled: () => number } {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(chunkSize).fill(0x61));
    },
  });
  const req = new Request(URL_, { method: "POST", body, duplex: "half" } as RequestInit & { duplex: "half" });
  return { req, pulled: () => sent };
}

describe("readBodyWithin", () => {
  it("returns a body within the limit byte for byte", async () => {
    const read = await readBodyWithin(new Request(URL_, { method: "POST", body: "x".repeat(100) }), 100);
    expect(read.ok).toBe(true);
    if (read.ok) expect(new TextDecoder().decode(read.body!)).toBe("x".repeat(100));
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const { req } = streamed(10, 1000);
    const headers = new Headers(req.headers);
    headers.set("content-length", "10000");
    const declared = new Request(req, { headers });
    const read = await readBodyWithin(declared, 5000);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.response.status).toBe(413);
      expect(await read.response.json()).toMatchObject({ error: expect.stringMatching(/larger than the API accepts \(5000 bytes\)/) });
    }
    expect(declared.bodyUsed).toBe(false);
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const { req, pulled } = streamed(1000, 1000);
    const read = await readBodyWithin(req, 5000);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.response.status).toBe(413);
    // 6 chunks cross 5000 bytes; the stream may have buffered a little ahead, never the whole megabyte.
    expect(pulled()).toBeLessThan(20);
  });
});

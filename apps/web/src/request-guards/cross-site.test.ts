import { describe, expect, it } from "vitest";

import { checkSameOrigin } from "./cross-site.ts";

const APP = "http://localhost:3000";
const TRUSTED = [APP, "http://127.0.0.1:3000"];

function post(headers: Record<string, string>, url = `${APP}/api/trpc/review.decide`): Request {
  return new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
}

describe("checkSameOrigin", () => {
  it("allows the app's own origins and the request's own origin", () => {
    expect(checkSameOrigin(post({ origin: APP }), TRUSTED).allowed).toBe(true);
    expect(checkSameOrigin(post({ origin: "http://127.0.0.1:3000" }), TRUSTED).allowed).toBe(true);
    // Reached under another name than MIEN_BASE_URL, from a page of that same origin.
    expect(checkSameOrigin(post({ origin: "http://mien.lan:3000" }, "http://mien.lan:3000/api/trpc/x"), TRUSTED).allowed).toBe(true);
  });

  it("refuses another site, another port of the same host (same-site, so Lax cookies would be sent) and an opaque origin", () => {
    for (const origin of ["http://evil.example", "http://localhost:3001", "https://localhost:3000", "null"]) {
      const verdict = checkSameOrigin(post({ origin }), TRUSTED);
      expect(verdict, origin).toMatchObject({ allowed: false });
      expect(verdict.reason).toMatch(/may not change anything/);
    }
  });

  it("without Origin, goes by Sec-Fetch-Site, and lets non-browser clients (neither header) through", () => {
    expect(checkSameOrigin(post({ "sec-fetch-site": "cross-site" }), TRUSTED).allowed).toBe(false);
    expect(checkSameOrigin(post({ "sec-fetch-site": "same-site" }), TRUSTED).allowed).toBe(false);
    expect(checkSameOrigin(post({ "sec-fetch-site": "same-origin" }), TRUSTED).allowed).toBe(true);
    expect(checkSameOrigin(post({}), TRUSTED).allowed).toBe(true);
  });

  it("never refuses GET (queries change nothing; tRPC refuses mutations over GET)", () => {
    const get = new Request(`${APP}/api/trpc/me`, { headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" } });
    expect(checkSameOrigin(get, TRUSTED).allowed).toBe(true);
  });
});

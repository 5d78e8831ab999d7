/**
 * CSRF guard for state-changing API requests (tRPC mutations are POSTs).
 *
 * Session cookies are SameSite=Lax, so a browser withholds them from cross-*site* POSTs. That
 * leaves same-site but cross-*origin* pages (another port on the same host, a sibling subdomain),
 * which do get the cookie; they are refused here by their Origin (or, when a browser omits Origin,
 * by Sec-Fetch-Site).
 *
 * A request with neither header is let through: every current browser sends Origin on a POST, and
 * browsers too old to do so still honour SameSite=Lax, so such a request carries a session only if
 * the client holds the cookie itself (a script, curl), which is not a forgery.
 */
export interface CrossSiteVerdict {
  allowed: boolean;
  /** Why it was refused, for the 403 body. */
  reason?: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `origin` is the page that sent `req`; `trustedOrigins` are the app's own (MIEN_BASE_URL and its loopback aliases). */
export function checkSameOrigin(req: Request, trustedOrigins: readonly string[]): CrossSiteVerdict {
  if (SAFE_METHODS.has(req.method)) return { allowed: true };
  const origin = req.headers.get("origin");
  if (origin !== null) {
    // The request's own origin is where the browser sent it, so a match is same-origin by definition.
    const own = new URL(req.url).origin;
    if (origin === own || trustedOrigins.includes(origin)) return { allowed: true };
    return { allowed: false, reason: `Requests from ${origin === "null" ? "an opaque origin" : origin} may not change anything here.` };
  }
  const site = req.headers.get("sec-fetch-site");
  // "none" is a user-initiated request (typed URL, bookmark); "same-site" still differs in origin.
  if (site === null || site === "same-origin" || site === "none") return { allowed: true };
  return { allowed: false, reason: `A ${site} request may not change anything here.` };
}

/** The 403 for a refused request. */
export function crossSiteRefusal(reason: string): Response {
  return Response.json(
    { error: `${reason} Use Mien from its own address; other sites cannot act for you.` },
    { status: 403, headers: { "cache-control": "no-store" } },
  );
}

import { MAX_API_BODY_BYTES, readBodyWithin } from "~/request-guards/body-limit.ts";
import { checkSameOrigin, crossSiteRefusal } from "~/request-guards/cross-site.ts";

import { appRouter, createContext, fetchRequestHandler } from "@mien/api";
import { getAuth } from "@mien/auth";

function trpc(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ headers: req.headers }),
    onError({ error, path }) {
      // Access and input errors are the caller's; only unexpected ones belong in the server log.
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
    },
  });
}

export async function GET(req: Request) {
  return trpc(req);
}

/** Mutations: refused from other origins (CSRF) and above the body limit, before tRPC sees them. */
export async function POST(req: Request) {
  // The same origins Better Auth lets sign in: MIEN_BASE_URL (and its loopback aliases).
  const { trustedOrigins } = await getAuth().$context;
  const origin = checkSameOrigin(req, trustedOrigins);
  if (!origin.allowed) return crossSiteRefusal(origin.reason ?? "This request came from another site.");

  const read = await readBodyWithin(req, MAX_API_BODY_BYTES);
  if (!read.ok) return read.response;
  return trpc(new Request(req.url, { method: req.method, headers: req.headers, body: read.body }));
}

import { coachManifest } from "~/offline/manifest.ts";

export const dynamic = "force-static";

/** The web app manifest that makes the coach installable. */
export function GET() {
  return new Response(JSON.stringify(coachManifest), { headers: { "content-type": "application/manifest+json" } });
}

import { versionFileResponse } from "~/models/registry-response.ts";

export const dynamic = "force-dynamic";

/** manifest.json, model.json, weight shards and card.md of a published version (public, immutable). */
export async function GET(req: Request, ctx: RouteContext<"/api/models/[hash]/[file]">) {
  const { hash, file } = await ctx.params;
  return versionFileResponse(req, hash, file);
}

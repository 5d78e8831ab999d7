import { imageResponse } from "~/images/image-response.ts";

export const dynamic = "force-dynamic";

/** The original bytes of one data-set image (curators and admins only). */
export async function GET(req: Request, ctx: RouteContext<"/api/images/[id]/original">) {
  return imageResponse(req, (await ctx.params).id, "original");
}

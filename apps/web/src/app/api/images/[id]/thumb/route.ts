import { imageResponse } from "~/images/image-response.ts";

export const dynamic = "force-dynamic";

/** The WebP thumbnail of one data-set image (curators and admins only). */
export async function GET(req: Request, ctx: RouteContext<"/api/images/[id]/thumb">) {
  return imageResponse(req, (await ctx.params).id, "thumb");
}

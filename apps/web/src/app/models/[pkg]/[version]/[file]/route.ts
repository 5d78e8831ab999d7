import { readPackagedFile } from "~/coach/packaged-models.ts";

/** npm-shipped model weights and the TF.js wasm binaries for the coach; allow-listed, versioned, cached for good. */
export async function GET(_req: Request, ctx: RouteContext<"/models/[pkg]/[version]/[file]">) {
  const { pkg, version, file } = await ctx.params;
  const pending = readPackagedFile(pkg, version, file);
  if (!pending) {
    return Response.json(
      { error: `No packaged model file ${pkg}/${version}/${file}. Reload the coach page to get current file names.` },
      { status: 404, headers: { "cache-control": "no-store" } },
    );
  }
  const { body, contentType } = await pending;
  return new Response(body as BodyInit, {
    headers: {
      "content-type": contentType,
      "content-length": String(body.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
    },
  });
}

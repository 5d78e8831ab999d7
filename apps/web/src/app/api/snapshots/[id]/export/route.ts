import { EXPORT_FORMATS, exportSnapshot, SnapshotExportError, snapshotStorage, type ExportFormat } from "@mien/api";
import { getSession, roleAtLeast, roleOf } from "@mien/auth";
import { getDb } from "@mien/db";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function refuse(status: 400 | 401 | 403 | 404, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "cache-control": "no-store" } });
}

/** Streams a snapshot as class folders in a tar (`?format=tar`, the default) or as CSV (`?format=csv`). Admins only. */
export async function GET(req: Request, ctx: RouteContext<"/api/snapshots/[id]/export">) {
  const session = await getSession(req.headers);
  if (!session) return refuse(401, "Sign in to export snapshots.");
  const role = roleOf(session.user);
  if (!roleAtLeast(role, "admin")) return refuse(403, "Exporting snapshots needs the admin role. Ask an admin for access.");
  const { id } = await ctx.params;
  if (!UUID.test(id)) return refuse(404, "No such snapshot.");
  const format = (new URL(req.url).searchParams.get("format") ?? "tar") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return refuse(400, `Unknown format "${format}": use tar or csv.`);

  let out;
  try {
    out = await exportSnapshot(getDb(), snapshotStorage(), id, format);
  } catch (err) {
    if (err instanceof SnapshotExportError && err.code === "NOT_FOUND") return refuse(404, err.message);
    throw err;
  }
  const body = out.body;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await body.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (err) {
        // Headers are sent: all that is left is to cut the download short, so the file is visibly incomplete.
        console.error(`snapshot ${id} export (${format}) failed: ${(err as Error).message}`);
        controller.error(err);
      }
    },
    async cancel() {
      await body.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": out.contentType,
      "content-disposition": `attachment; filename="${out.fileName}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

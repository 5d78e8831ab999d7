import { getSession, roleAtLeast, roleOf } from "@mien/auth";
import { getDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { createStorage, isNotFound, type Storage } from "@mien/storage";

export type ImageVariant = "thumb" | "original";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let storage: Storage | undefined;
const getStorage = () => (storage ??= createStorage(loadServerEnv()));

function refuse(status: 401 | 403 | 404, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "cache-control": "no-store" } });
}

/**
 * Serves one data-set image to curators and admins. An image id names fixed bytes (the
 * content's sha256 is unique), so the response is immutable; `private` keeps shared caches
 * from handing it to someone the session check would refuse.
 */
export async function imageResponse(req: Request, id: string, variant: ImageVariant): Promise<Response> {
  const session = await getSession(req.headers);
  if (!session) return refuse(401, "Sign in to see data-set images.");
  const role = roleOf(session.user);
  if (!roleAtLeast(role, "curator")) return refuse(403, "Data-set images are for curators. Ask an admin for access.");
  if (!UUID.test(id)) return refuse(404, "No such image.");

  const image = await getDb().image.findUnique({ where: { id }, select: { sha256: true, storageKey: true, thumbKey: true, mimeType: true } });
  if (!image) return refuse(404, "No such image.");
  const etag = `"${image.sha256}-${variant}"`;
  const headers = {
    "cache-control": "private, max-age=31536000, immutable",
    etag,
    // A small original is its own thumbnail (the importer stores no WebP for it).
    "content-type": variant === "thumb" && image.thumbKey !== image.storageKey ? "image/webp" : image.mimeType,
  };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });

  try {
    const body = await getStorage().get(variant === "thumb" ? image.thumbKey : image.storageKey);
    return new Response(new Uint8Array(body), { headers: { ...headers, "content-length": String(body.length) } });
  } catch (err) {
    if (isNotFound(err)) {
      console.error(`image ${id}: ${variant} missing from storage (${(err as Error).message}); re-run the import to restore it.`);
      return refuse(404, "This image's file is missing from storage.");
    }
    throw err;
  }
}

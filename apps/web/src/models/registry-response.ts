import { getDb } from "@mien/db";
import { loadServerEnv } from "@mien/env";
import { activeModel, readVersionFile } from "@mien/registry";
import { createStorage, type Storage } from "@mien/storage";

let storage: Storage | undefined;
const getStorage = () => (storage ??= createStorage(loadServerEnv()));

const notFound = (error: string) => Response.json({ error }, { status: 404, headers: { "cache-control": "no-store" } });

/** What `active` points at; never cached, so a promotion or roll back reaches clients at once. */
export async function activeModelResponse(): Promise<Response> {
  const active = await activeModel(getDb());
  if (!active) return notFound("No model version is active. An admin can promote one on the Models page.");
  return Response.json(active, { headers: { "cache-control": "no-store" } });
}

/** One file of a published version: content-addressed, so cached forever (and public: models hold no personal data). */
export async function versionFileResponse(req: Request, contentHash: string, file: string): Promise<Response> {
  const etag = `"${contentHash}-${file}"`;
  const found = await readVersionFile(getDb(), getStorage(), contentHash, file);
  if (found.status === "not-found") return notFound(found.reason);
  const headers = { "cache-control": "public, max-age=31536000, immutable", etag, "content-type": found.contentType };
  if (req.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(found.body), { headers: { ...headers, "content-length": String(found.body.length) } });
}

import { activeModelResponse } from "~/models/registry-response.ts";

export const dynamic = "force-dynamic";

/** `{ version, contentHash, name, baseUrl }` of the active model, for the coach page (public). */
export async function GET() {
  return activeModelResponse();
}

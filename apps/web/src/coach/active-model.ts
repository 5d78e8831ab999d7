import { z } from "zod";

import { EXPRESSION_CLASSES } from "@mien/model/classes";

import type { ActiveModelAnswer, ActiveModelRef } from "./worker/protocol.ts";

/** GET /api/models/active, as the registry (branch trainer) serves it. */
export const ACTIVE_MODEL_URL = "/api/models/active";
/** How often the page asks whether an admin promoted another version. */
export const ACTIVE_MODEL_POLL_MS = 30_000;

const activeModel = z.object({
  version: z.union([z.number(), z.string()]),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1),
  baseUrl: z.string().startsWith("/").endsWith("/"),
  classes: z.array(z.enum(EXPRESSION_CLASSES)).optional(),
});

export type ActiveModelLookup =
  | { kind: "active"; model: ActiveModelRef }
  /** No version is promoted, the registry route is not there, or it answered something unreadable. */
  | { kind: "none"; reason: string }
  /** No answer at all (offline, or the server is down): the coach keeps the version it last ran. */
  | { kind: "unreachable"; reason: string };

/**
 * Asks the registry which version is active. Never throws: an answer that names no usable
 * version means "run the packaged model", no answer means "keep what this device ran last",
 * with the reason kept for the page and the console.
 */
export async function lookUpActiveModel(fetchImpl: typeof fetch = fetch, url = ACTIVE_MODEL_URL): Promise<ActiveModelLookup> {
  let res: Response;
  try {
    res = await fetchImpl(url, { cache: "no-store", headers: { accept: "application/json" } });
  } catch (error) {
    return { kind: "unreachable", reason: `The model registry could not be reached (${(error as Error).message}).` };
  }
  if (res.status === 404) {
    const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
    return { kind: "none", reason: typeof body?.error === "string" ? body.error : "No model version is active yet." };
  }
  if (!res.ok) return { kind: "none", reason: `The model registry answered HTTP ${res.status}.` };
  const parsed = activeModel.safeParse(await res.json().catch(() => null));
  if (!parsed.success) return { kind: "none", reason: "The model registry's answer was not a model version." };
  return { kind: "active", model: parsed.data };
}

/** What the worker is told: the promoted version, none (null), or "unreachable" (keep the last good version). */
export function activeAnswer(lookup: ActiveModelLookup): ActiveModelAnswer {
  return lookup.kind === "active" ? lookup.model : lookup.kind === "unreachable" ? "unreachable" : null;
}

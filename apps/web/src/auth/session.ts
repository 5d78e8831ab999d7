import { headers } from "next/headers";

import { getSession } from "@mien/auth";

/** The signed-in session for the current request, or null. */
export async function currentSession() {
  return getSession(await headers());
}

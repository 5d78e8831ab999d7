/** What the page and the service worker agree on; nothing here may import browser- or server-only code. */

/** Where the service worker is served (app/serwist/[path]/route.ts) and the pages it controls. */
export const SERVICE_WORKER_URL = "/serwist/sw.js";
export const SERVICE_WORKER_SCOPE = "/coach";

/** The cache holding the last copy of the coach page, one per URL. */
export const COACH_PAGES_CACHE = "mien-coach-pages";

/** The page kept for offline use: the coach itself (its other pages show server data that would go stale). */
export function isCoachPage(pathname: string): boolean {
  return pathname === "/coach";
}

import { COACH_PAGES_CACHE, SERVICE_WORKER_SCOPE, SERVICE_WORKER_URL } from "./shell.ts";

/** Whether this device can open the coach with no network. */
export type ShellState =
  | { kind: "pending" }
  /** The service worker is active and this page is in its cache. */
  | { kind: "ready" }
  | { kind: "unavailable"; reason: string };

/** How long the service worker may take to fetch and keep the page before the page says it did not. */
const KEEP_TIMEOUT_MS = 30_000;

/** The page's URL as its cache key (without the fragment, which is never sent). */
function pageUrl(): string {
  const url = new URL(location.href);
  url.hash = "";
  return url.href;
}

async function isKept(url: string): Promise<boolean> {
  return Boolean(await caches.match(url, { cacheName: COACH_PAGES_CACHE }));
}

/**
 * Asks the active service worker to fetch and keep `url` (Serwist's CACHE_URLS message) and waits
 * until the copy is in the cache. Serwist's acknowledgement comes once it has the response, which
 * can be before the copy is written, so this watches the cache instead.
 */
async function keep(worker: ServiceWorker, url: string): Promise<boolean> {
  worker.postMessage({ type: "CACHE_URLS", payload: { urlsToCache: [url] } });
  for (const started = Date.now(); Date.now() - started < KEEP_TIMEOUT_MS;) {
    if (await isKept(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * The registration's active worker, once there is one. Not `navigator.serviceWorker.ready`: that
 * waits for a worker whose scope holds the URL the document was opened at, and a page reached by a
 * client-side navigation (sign-up lands on the coach that way) was opened elsewhere.
 */
function activeWorker(registration: ServiceWorkerRegistration): Promise<ServiceWorker> {
  if (registration.active) return Promise.resolve(registration.active);
  const next = registration.installing ?? registration.waiting;
  if (!next) return Promise.reject(new Error("the service worker did not install"));
  return new Promise((resolve, reject) => {
    next.addEventListener("statechange", () => {
      if (next.state === "activated") resolve(next);
      else if (next.state === "redundant") reject(new Error("the service worker failed to install"));
    });
  });
}

/**
 * Registers the coach's service worker and makes sure this page is kept for offline use. On the
 * first visit the page loaded before the worker existed, so the worker is asked to fetch a copy;
 * afterwards it keeps the newest copy of every visit itself.
 */
export async function installShell(): Promise<ShellState> {
  if (!("serviceWorker" in navigator) || typeof caches === "undefined") {
    return { kind: "unavailable", reason: "This browser cannot keep the coach for offline use." };
  }
  try {
    // A classic worker (esbuild bundles it into one file): browsers without module service workers run it too.
    const registration = await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: SERVICE_WORKER_SCOPE });
    const active = await activeWorker(registration);
    const url = pageUrl();
    if ((await isKept(url)) || (await keep(active, url))) return { kind: "ready" };
    return { kind: "unavailable", reason: "The coach could not be saved on this device for offline use (its service worker did not keep the page)." };
  } catch (error) {
    return { kind: "unavailable", reason: `The coach could not be saved on this device for offline use: ${(error as Error).message}.` };
  }
}

/** Forgets the kept copies of the coach page (they show the signed-in account). */
export async function forgetKeptPages(): Promise<void> {
  if (typeof caches !== "undefined") await caches.delete(COACH_PAGES_CACHE);
}

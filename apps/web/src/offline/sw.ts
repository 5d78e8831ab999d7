/// <reference lib="webworker" />
import { ExpirationPlugin, NetworkFirst, Serwist, type PrecacheEntry } from "serwist";

import { COACH_PAGES_CACHE, isCoachPage } from "./shell.ts";

/**
 * The coach's service worker, bundled by @serwist/turbopack (app/serwist/[path]/route.ts). It
 * precaches the build's static files (every JS chunk, the coach worker's among them), the icons and
 * the packaged model and wasm files, and keeps the last copy of the coach page it served, so the
 * coach opens and runs with no network after one visit. API requests are never cached: the page
 * knows when it is offline and queues scores itself (coach/outbox.ts).
 */
declare const self: ServiceWorkerGlobalScope & { __SW_MANIFEST: Array<PrecacheEntry | string> | undefined };

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  // The coach's Web Worker starts from Turbopack's bootstrap script, precached like every chunk. Its
  // URL carries the worker's chunk list in the fragment (#params=…), which never reaches a cache key
  // and which the browser keeps on the worker's location when the precache answers; a query
  // (?params=, which the bootstrap also reads) would be lost to the cache key. offline.spec checks it.
  precacheOptions: { cleanupOutdatedCaches: true },
  skipWaiting: true,
  clientsClaim: true,
  runtimeCaching: [
    {
      // The page shell: the newest copy when online, the last one served when not.
      matcher: ({ request, sameOrigin, url }) => sameOrigin && isCoachPage(url.pathname) && request.headers.get("RSC") !== "1",
      handler: new NetworkFirst({ cacheName: COACH_PAGES_CACHE, plugins: [new ExpirationPlugin({ maxEntries: 16 })] }),
    },
  ],
});

serwist.addEventListeners();

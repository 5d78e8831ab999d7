import { createHash } from "node:crypto";

import { createSerwistRoute } from "@serwist/turbopack";
import { PACKAGED_MODELS, packagedBaseUrl, type PackagedModel } from "~/coach/packaged-models.ts";
import { coachManifest, MANIFEST_URL } from "~/offline/manifest.ts";

/**
 * The coach's service worker (offline/sw.ts), bundled with esbuild and prerendered at build time
 * with the build's precache list: every file under .next/static and public/, plus the packaged
 * model and wasm files the coach's worker fetches (their URLs name the installed version, so they
 * need no revision) and the manifest.
 */
const packagedFiles = (Object.keys(PACKAGED_MODELS) as PackagedModel[]).flatMap((name) =>
  PACKAGED_MODELS[name].files.map((file) => ({ url: `${packagedBaseUrl(name)}${file}`, revision: null })),
);

export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: "src/offline/sw.ts",
  // esbuild is a dependency already; esbuild-wasm is not installed.
  useNativeEsbuild: true,
  additionalPrecacheEntries: [
    ...packagedFiles,
    { url: MANIFEST_URL, revision: createHash("sha256").update(JSON.stringify(coachManifest)).digest("hex").slice(0, 16) },
  ],
  // The tfjs chunk is about 1.3 MB; the default limit (2 MiB) leaves little room.
  maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
});

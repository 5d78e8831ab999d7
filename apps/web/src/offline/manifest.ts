import type { MetadataRoute } from "next";

/** The app's icons, made from icon.svg by `pnpm --filter @mien/web icons` (scripts/make-icons.ts) and committed. */
export const ICONS = [
  { file: "icon-192.png", size: 192, purpose: "any" },
  { file: "icon-512.png", size: 512, purpose: "any" },
  { file: "icon-maskable-512.png", size: 512, purpose: "maskable" },
] as const;

/** Where the manifest is served (app/coach/manifest.webmanifest/route.ts); the coach's pages link it. */
export const MANIFEST_URL = "/coach/manifest.webmanifest";

/** The installed app is the coach: it opens on /coach and keeps its own pages in its window. */
export const coachManifest = {
  id: "/coach",
  name: "Mien coach",
  short_name: "Mien",
  description: "Practise facial expressions on your own face. It runs on this device and works offline; only scores are saved.",
  start_url: "/coach",
  scope: "/coach",
  display: "standalone",
  background_color: "#f7f6f3",
  theme_color: "#f7f6f3",
  icons: ICONS.map(({ file, size, purpose }) => ({ src: `/icons/${file}`, sizes: `${size}x${size}`, type: "image/png", purpose })),
} satisfies MetadataRoute.Manifest;

import { withSerwist } from "@serwist/turbopack";
import type { NextConfig } from "next";

const config: NextConfig = {
  // Internal packages ship TypeScript source (no build step), so Next compiles them.
  transpilePackages: [
    "@mien/api",
    "@mien/auth",
    "@mien/dataset",
    "@mien/db",
    "@mien/env",
    "@mien/jobs",
    "@mien/model",
    "@mien/registry",
    "@mien/screening",
    "@mien/storage",
    "@mien/vocabulary",
  ],
  // Native or pool-holding server libraries stay plain Node requires, not bundled.
  serverExternalPackages: ["pg", "@prisma/client", "@prisma/adapter-pg", "sharp", "bullmq", "ioredis", "tar-stream"],
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(self), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

// Serwist builds the coach's service worker in a route handler (app/serwist): esbuild stays external.
export default withSerwist(config);

import { defineConfig, devices } from "@playwright/test";

import { APP_ENV, BASE_URL, PORT } from "./e2e-env.ts";

const CHROMIUM = process.env.MIEN_CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? "line" : "list",
  globalSetup: "./global-setup.ts",
  globalTeardown: "./global-teardown.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        headless: true,
        launchOptions: {
          // Debian's Chromium; `npx playwright install` cannot download browsers here.
          executablePath: CHROMIUM,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        },
      },
    },
  ],
  webServer: {
    // The production build, as users get it. Runs from the repository root.
    // turbo skips the build when `pnpm test` has just made it (or nothing changed since).
    command: `pnpm exec turbo run build --filter=@mien/web --output-logs=errors-only && pnpm --filter @mien/web start -p ${PORT}`,
    cwd: "..",
    // Starts before global setup creates the database, so wait on a page that needs none.
    url: `${BASE_URL}/sign-in`,
    env: APP_ENV,
    timeout: 600_000,
    // A reused server must point at the same database: export MIEN_E2E_DB for both.
    reuseExistingServer: !process.env.CI,
    stdout: "ignore",
    stderr: "pipe",
  },
});

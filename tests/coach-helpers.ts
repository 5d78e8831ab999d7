import { expect, type LaunchOptions, type Page } from "@playwright/test";

import { fakeWebcamArgs, videoPath, type VideoName } from "./fixtures/webcam-video.ts";

export { query, state } from "./e2e-helpers.ts";

const BASE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

/**
 * Chromium launched with a fixture video as its webcam (made in global setup from real photos).
 * `camera: "denied"` keeps the fake camera but not the auto-accepted prompt, which headless
 * Chromium then refuses; `camera: "none"` accepts the prompt but has no camera at all.
 */
export function webcamLaunch(video: VideoName | null, camera: "granted" | "denied" | "none" = "granted"): LaunchOptions {
  const args =
    camera === "none"
      ? ["--use-fake-ui-for-media-stream"]
      : camera === "denied"
        ? ["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${videoPath(video!)}`, "--deny-permission-prompts"]
        : fakeWebcamArgs(videoPath(video!));
  return { executablePath: process.env.MIEN_CHROMIUM ?? "/usr/bin/chromium", args: [...BASE_ARGS, ...args] };
}

/** Signs up a fresh plain user through the UI; they land on the coach. */
export async function signUpNewUser(page: Page, prefix: string): Promise<string> {
  const email = `${prefix}-${Date.now()}@e2e.mien.test`;
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/coach$/);
  return email;
}

/** Starts the camera and waits until the models run on it. */
export async function startCoach(page: Page): Promise<void> {
  await expect(page.getByTestId("coach-model")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.getByRole("button", { name: "Stop camera" })).toBeVisible();
}

/** The verdict line's expression ("Reads as happiness" → "happiness"), or "unclear". */
export async function verdictOf(page: Page): Promise<string | null> {
  const text = await page
    .getByTestId("coach-verdict")
    .textContent({ timeout: 1000 })
    .catch(() => null);
  if (!text) return null;
  if (text.startsWith("Unclear")) return "unclear";
  return text.replace(/^Reads as\s*/, "").trim();
}

/** The content hash of the version the coach runs: global setup's bootstrap makes the committed default model active. */
export async function activeModelHash(page: Page): Promise<string> {
  const res = await page.request.get("/api/models/active");
  expect(res.status()).toBe(200);
  return ((await res.json()) as { contentHash: string }).contentHash;
}

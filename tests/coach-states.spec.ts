import { expect, test, type Page } from "@playwright/test";

import { startCoach, webcamLaunch } from "./coach-helpers.ts";

type Launch = Parameters<typeof webcamLaunch>;

/** Runs `body` in its own Chromium whose webcam is `video` (or refused, or absent). */
function withWebcam(name: string, launch: Launch, body: (page: Page) => Promise<void>) {
  test(name, async ({ playwright, baseURL }, testInfo) => {
    const browser = await playwright.chromium.launch({ headless: true, ...webcamLaunch(...launch) });
    try {
      const page = await browser.newPage({ baseURL });
      await body(page);
      await page.screenshot({ path: testInfo.outputPath("coach-state.png") });
    } finally {
      await browser.close();
    }
  });
}

withWebcam("an empty room: says no face is in view and reads nothing", ["empty"], async (page) => {
  await page.goto("/coach");
  await startCoach(page);
  await expect(page.getByTestId("coach-face-state")).toHaveText(/No face in view/, { timeout: 30_000 });
  await expect(page.getByTestId("coach-verdict")).toHaveCount(0);
  await expect(page.getByTestId("coach-announcer")).toHaveText("No face in view.", { timeout: 15_000 });
});

withWebcam("two people in view: asks for one face and reads neither", ["twoFaces"], async (page) => {
  await page.goto("/coach");
  await startCoach(page);
  await expect(page.getByTestId("coach-face-state")).toHaveText(/Several faces in view/, { timeout: 30_000 });
  await expect(page.getByTestId("coach-verdict")).toHaveCount(0);
});

withWebcam("a smile recorded as the resting face is kept, with a warning that smiles will then read weaker", ["smiling"], async (page) => {
  await page.goto("/coach");
  await startCoach(page);
  await page.getByRole("button", { name: "Record my resting face" }).click();
  await expect(page.getByTestId("coach-baseline")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("coach-baseline-warning")).toHaveText(
    /^Your relaxed face read as \d+% happiness\. If you were smiling, record again with your face relaxed: while this recording is kept, happiness reads weaker than it is\.$/,
  );
});

withWebcam("camera permission refused: explains how to allow it and offers to retry", ["expressions", "denied"], async (page) => {
  await page.goto("/coach");
  await expect(page.getByTestId("coach-model")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.getByTestId("coach-camera-problem")).toContainText("Camera permission is off");
  await expect(page.getByRole("button", { name: "Start camera" })).toBeEnabled();
});

withWebcam("no camera at all: says no camera was found", [null, "none"], async (page) => {
  await page.goto("/coach");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.getByTestId("coach-camera-problem")).toContainText("No camera found");
});

test("the coach is keyboard operable: skip link, camera, practice and calibration controls in order", async ({ page }) => {
  await page.goto("/coach");
  await expect(page.getByTestId("coach-model")).toBeVisible({ timeout: 30_000 });
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  const focused: string[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    focused.push(
      await page.evaluate(() => (document.activeElement?.getAttribute("aria-label") || document.activeElement?.textContent || "").trim().slice(0, 40)),
    );
  }
  expect(focused).toContain("Start camera");
  expect(focused.some((f) => f.startsWith("Anger"))).toBe(true);
  expect(focused).toContain("How does this work?");
});

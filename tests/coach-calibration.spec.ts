import { expect, test } from "@playwright/test";

import { activeModelHash, startCoach, verdictOf, webcamLaunch } from "./coach-helpers.ts";

// A relaxed face the model reads as sad: the "resting sad face" calibration exists for.
test.use({ launchOptions: webcamLaunch("resting") });

test("recording the resting face changes the readout to neutral, explains it, survives a reload and resets", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto("/coach");
  await startCoach(page);
  await expect.poll(() => verdictOf(page), { timeout: 30_000 }).toBe("sadness");

  await page.getByRole("button", { name: "Record my resting face" }).click();
  await expect(page.getByTestId("coach-recording")).toBeVisible();
  const baseline = page.getByTestId("coach-baseline");
  await expect(baseline).toBeVisible({ timeout: 20_000 });
  await expect(baseline).toContainText(/Your relaxed face read as sadness \d+%/);
  // A sad-looking resting face is what the recording is for: no warning.
  await expect(page.getByTestId("coach-baseline-warning")).toHaveCount(0);
  await expect(page.getByTestId("coach-announcer")).toHaveText(/Resting face recorded/);
  await expect.poll(() => verdictOf(page), { timeout: 10_000 }).toBe("neutral");
  await expect(page.getByText("Relative to your resting face, and smoothed over the last few frames.")).toBeVisible();

  // Kept on this device only, as numbers.
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("mien.coach.baseline") ?? "null") as { modelKey: string; resting: number[] } | null);
  expect(stored?.modelKey).toBe(await activeModelHash(page));
  expect(stored?.resting.every((p) => typeof p === "number")).toBe(true);

  // The raw reading is one click away.
  await page.getByLabel("Show readings without the correction").check();
  await expect.poll(() => verdictOf(page), { timeout: 10_000 }).toBe("sadness");
  await page.getByLabel("Show readings without the correction").uncheck();
  await expect.poll(() => verdictOf(page), { timeout: 10_000 }).toBe("neutral");
  await page.screenshot({ path: testInfo.outputPath("coach-calibrated.png") });

  // Model files come from this device's IndexedDB cache the second time, not the network.
  const cached = await page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("mien-models");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const keys = open.result.transaction("files").objectStore("files").getAllKeys();
          keys.onsuccess = () => resolve(keys.result.map(String));
        };
      }),
  );
  expect(cached).toEqual(
    expect.arrayContaining([expect.stringMatching(/face-api.*\|face_expression_model\.bin$/), expect.stringMatching(/human.*\|blazeface-front\.bin$/)]),
  );
  const refetched: string[] = [];
  page.on("request", (r) => {
    if (/\/models\/(face-api|human)\//.test(r.url())) refetched.push(r.url());
  });
  await page.reload();
  await startCoach(page);
  await expect(page.getByTestId("coach-baseline")).toBeVisible();
  await expect.poll(() => verdictOf(page), { timeout: 30_000 }).toBe("neutral");
  expect(refetched).toEqual([]);

  await page.getByRole("button", { name: "Reset" }).click();
  await expect(page.getByTestId("coach-baseline")).toHaveCount(0);
  // The resting face reads sadness just above the abstain threshold, so, as after the first start,
  // the smoothed reading may take a while on a busy machine to settle above it.
  await expect.poll(() => verdictOf(page), { timeout: 30_000 }).toBe("sadness");
  expect(await page.evaluate(() => localStorage.getItem("mien.coach.baseline"))).toBeNull();
});

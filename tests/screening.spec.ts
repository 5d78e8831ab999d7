import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import { expect, test } from "@playwright/test";

import { screeningQueue } from "@mien/jobs";

import { APP_ENV, REPO_ROOT } from "./e2e-env.ts";
import { query, signIn, state } from "./e2e-helpers.ts";

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

test.describe.serial("automatic screening", () => {
  // The real screener process, on this run's database and queue prefix (as `pnpm start` runs it).
  let screener: ChildProcess;
  let output = "";

  test.beforeAll(() => {
    screener = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps", "screener", "src", "main.ts")], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...APP_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    screener.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    screener.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  });
  test.afterAll(async () => {
    if (screener.exitCode === null) {
      const exited = new Promise((r) => screener.once("exit", r));
      screener.kill("SIGTERM");
      await exited;
    }
    // This run's queue lives under its own prefix: leave nothing behind in Redis.
    const queue = screeningQueue(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { prefix: APP_ENV.MIEN_QUEUE_PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  test("an admin starts screening the demo sample and follows it to the end", async ({ page }, testInfo) => {
    test.setTimeout(420_000);
    await signIn(page, state().admin);
    await page.getByRole("link", { name: "Screening" }).click();
    await expect(page.getByRole("heading", { name: "Screening", level: 1 })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No screening run yet" })).toBeVisible();

    await page.getByRole("button", { name: "Start screening" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Screening started." })).toBeVisible();
    const progress = page.getByRole("progressbar", { name: "Screening progress" });
    await expect(progress).toBeVisible();
    await expect(page.getByRole("button", { name: "Screening…" })).toBeDisabled();
    // The bar moves while the screener works (the page polls the run's progress).
    await expect.poll(async () => Number(await progress.getAttribute("value")), { timeout: 120_000 }).toBeGreaterThan(0);

    await expect(page.getByRole("heading", { name: "Latest run: Completed" })).toBeVisible({ timeout: 400_000 });
    await expect(progress).toHaveAttribute("value", "100");
    const rows = page.getByRole("table").first().getByRole("row");
    await expect(rows).toHaveCount(7);
    for (const stage of ["duplicates", "faces", "ocr", "embeddings", "mislabel", "flags"]) {
      await expect(page.locator(`tr[data-stage="${stage}"]`)).toContainText("Done");
    }
    await expect(page.locator('tr[data-stage="faces"]')).toContainText("210 / 210");
    await expect(page.getByRole("button", { name: "Start screening" })).toBeEnabled();
    await page.screenshot({ path: testInfo.outputPath("screening.png"), fullPage: true });

    const [run] = await query<{ status: string }>(`SELECT status::text FROM screening_run`);
    expect(run?.status, output).toBe("completed");
  });

  test("a curator opens the mislabel queue of a class and sees its most suspicious labels first", async ({ page }, testInfo) => {
    // The class with the most images the model would label differently.
    const [busiest] = await query<{ label: string; n: number }>(
      `SELECT label, count(*)::int AS n FROM image WHERE "suggestedLabel" <> label GROUP BY label ORDER BY n DESC, label LIMIT 1`,
    );
    expect(busiest, "screening suggested no other label anywhere").toBeTruthy();
    const label = busiest!.label;
    const expected = await query<{ id: string; suggestedLabel: string; mislabelScore: number }>(
      `SELECT id::text, "suggestedLabel", "mislabelScore" FROM image WHERE label = $1 AND "suggestedLabel" <> label
        ORDER BY "mislabelScore" DESC, id DESC`,
      [label],
    );

    await signIn(page, state().curator);
    await page.getByRole("link", { name: "Review" }).click();
    await page.getByLabel("Class").selectOption(label);
    await page.getByLabel("Queue").selectOption({ label: "Label looks wrong (most suspicious first)" });
    const cells = page.getByRole("list", { name: `${title(label)} images` }).getByRole("button");
    await expect(cells).toHaveCount(expected.length);
    expect(await cells.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")))).toEqual(expected.map((e) => e.id));
    const top = expected[0]!;
    await expect(cells.first()).toHaveAttribute("aria-label", new RegExp(`suspicion ${top.mislabelScore.toFixed(2)}, model suggests ${top.suggestedLabel}`));

    // The preview says what the model believes; the first image is in focus.
    await cells.first().click();
    await expect(page.getByTestId("preview-suggested")).toHaveText(`${top.suggestedLabel}, not ${label} (suspicion ${top.mislabelScore.toFixed(2)})`);
    // …and why: both probabilities and the threshold of the given label's class.
    const why = page.getByTestId("preview-mislabel-reason");
    await expect(why).toContainText(`the model gives ${label} `);
    await expect(why).toContainText(`and ${top.suggestedLabel} `);
    await expect(why).toContainText(`images labelled ${label} usually get ≥ `);
    await page.screenshot({ path: testInfo.outputPath("mislabel-queue.png"), fullPage: true });

    // Raising the threshold keeps only the images at or above it.
    const cut = expected[Math.floor(expected.length / 2)]!.mislabelScore;
    await page.getByLabel("Suspicion at least").fill(cut.toFixed(2));
    const kept = expected.filter((e) => e.mislabelScore >= Number(cut.toFixed(2)));
    await expect(cells).toHaveCount(kept.length);
    await expect(page.getByLabel("Queue")).toHaveValue("custom");
  });

  test("a curator filters by faces and sorts by sharpness, and sees the images screening found", async ({ page }) => {
    const [noFace] = await query<{ id: string; label: string }>(`SELECT id::text, label FROM image WHERE "faceCount" = 0 ORDER BY label, id LIMIT 1`);
    expect(noFace, "screening found a face in every demo image").toBeTruthy();
    const noFaces = await query<{ id: string }>(`SELECT id::text FROM image WHERE label = $1 AND "faceCount" = 0 ORDER BY "faceScore", id`, [noFace!.label]);
    const blurriest = await query<{ id: string }>(`SELECT id::text FROM image WHERE label = 'anger' ORDER BY "blurScore", id LIMIT 5`);

    await signIn(page, state().curator);
    await page.getByRole("link", { name: "Review" }).click();
    await page.getByLabel("Class").selectOption(noFace!.label);
    await page.getByLabel("Queue").selectOption({ label: "No face found" });
    const cells = page.getByRole("list", { name: `${title(noFace!.label)} images` }).getByRole("button");
    await expect(cells).toHaveCount(noFaces.length);
    expect(await cells.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")))).toEqual(noFaces.map((r) => r.id));
    await expect(cells.first()).toHaveAttribute("aria-label", /face score \d\.\d\d, 0 faces/);

    await page.getByLabel("Class").selectOption("anger");
    await page.getByLabel("Queue").selectOption({ label: "Blurriest first" });
    const anger = page.getByRole("list", { name: "Anger images" }).getByRole("button");
    await expect(anger.first()).toHaveAttribute("data-image-id", blurriest[0]!.id);
    expect((await anger.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")))).slice(0, 5)).toEqual(blurriest.map((r) => r.id));
    await expect(anger.first()).toHaveAttribute("aria-label", /sharpness \d+/);
  });
});

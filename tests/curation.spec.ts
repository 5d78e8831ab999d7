import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

import { expect, test, type Browser, type Page } from "@playwright/test";

import { readTarExport } from "@mien/api/snapshots/tar";

import { type Credentials } from "./e2e-env.ts";
import { query, state } from "./e2e-helpers.ts";

// The tests build on each other: the image the admin resolves in the first is checked in the snapshot of the second.
// Each walks a whole workflow with several people, so each gets more than the default 30 s.
test.describe.configure({ mode: "serial", timeout: 120_000 });

async function signIn(browser: Browser, who: Credentials): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  return page;
}

/** Opens /review on the fear class, showing only images this person has not reviewed; returns the grid's cells. */
async function reviewFear(page: Page) {
  // Several people's windows are open at once: focus follows the one in front.
  await page.bringToFront();
  await page.goto("/review");
  await page.getByLabel("Class").selectOption("fear");
  await page.getByLabel("Not yet reviewed by me").check();
  const cells = page.getByRole("list", { name: "Fear images" }).getByRole("button");
  // Focus stays on the filter just changed; the reviewer moves to the grid.
  await cells.first().click();
  await expect(cells.first()).toBeFocused();
  return cells;
}

let resolvedImage = "";

test("two curators disagree without seeing each other's decision, an admin resolves it, and the audit trail shows all of it", async ({ browser }, testInfo) => {
  // Curators of their own, so the review spec's curator has only the decisions it makes itself.
  const { admin, secondCurator: reviewerA, thirdCurator: reviewerB } = state();
  // The first fear image nobody has reviewed (other specs work on other classes).
  const [target] = await query<{ id: string }>(
    `SELECT i.id FROM image i WHERE i.label = 'fear' AND NOT EXISTS (SELECT 1 FROM review_decision d WHERE d."imageId" = i.id) ORDER BY i.id LIMIT 1`,
  );
  const imageId = target!.id;
  resolvedImage = imageId;

  // Curator one keeps the label.
  const one = await signIn(browser, reviewerA);
  const oneCells = await reviewFear(one);
  await expect(oneCells.first()).toHaveAttribute("data-image-id", imageId);
  await one.keyboard.press("a");
  await expect(one.getByTestId("review-announcer")).toHaveText("Accepted #1");

  // Curator two sees nothing of it: not in the grid, not in the history.
  const two = await signIn(browser, reviewerB);
  const twoCells = await reviewFear(two);
  await expect(twoCells.first()).toHaveAttribute("data-image-id", imageId);
  await expect(twoCells.first()).toHaveAttribute("aria-label", /your decision: not reviewed/);
  await two.keyboard.press("h");
  const twoHistory = two.getByRole("complementary", { name: /^History of image / });
  await expect(twoHistory).toContainText("No review actions on this image yet.");
  // …and relabels it as sadness (digit 7 in model-output order).
  await two.keyboard.press("7");
  await expect(two.getByTestId("review-announcer")).toHaveText("Relabelled #1 as sadness");
  // The grid shows a decision at once and saves it in the background: wait until both are stored
  // before asking for disagreements, which a busy server could otherwise answer first.
  await expect
    .poll(async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM review_decision WHERE "imageId" = $1`, [imageId]))[0]!.n, { timeout: 30_000 })
    .toBe(2);

  // Now that both have decided, each finds it under "Disagreements".
  await two.getByLabel("Not yet reviewed by me").uncheck();
  await two.getByLabel(/^Disagreements/).check();
  await expect(two.getByRole("list", { name: "Fear images" }).getByRole("button")).toHaveCount(1);
  await expect(two.getByRole("list", { name: "Fear images" }).getByRole("button").first()).toHaveAttribute("data-image-id", imageId);
  await one.bringToFront();
  await one.getByLabel("Not yet reviewed by me").uncheck();
  await one.getByLabel(/^Disagreements/).check();
  await expect(one.getByRole("list", { name: "Fear images" }).getByRole("button").first()).toHaveAttribute("data-image-id", imageId);

  // The admin sees the conflict with both decisions and relabels it to the suggested class.
  const boss = await signIn(browser, admin);
  await boss.bringToFront();
  await boss.getByRole("link", { name: "Conflicts" }).click();
  const conflict = boss.getByRole("list", { name: "Conflicting images" }).locator(`li[data-image-id="${imageId}"]`);
  await expect(conflict).toContainText("E2E Curator Two: accepted");
  await expect(conflict).toContainText("E2E Curator Three: relabelled sadness");
  await expect(conflict.getByLabel("Relabel to")).toHaveValue("sadness");
  await conflict.getByLabel(/^Note/).fill("Downturned mouth, no fear");
  await boss.screenshot({ path: testInfo.outputPath("conflicts.png"), fullPage: true });
  await conflict.getByRole("button", { name: "Relabel" }).click();
  await expect(boss.getByTestId("conflict-announcer")).toHaveText("Resolved: relabelled sadness.");
  await expect(conflict).toHaveCount(0);
  // The ruled image's buttons left with it: keyboard focus stays in the queue instead of falling back to the page.
  await expect.poll(() => boss.evaluate(() => document.activeElement?.closest('section[aria-labelledby="conflicts-heading"]') !== null)).toBe(true);
  const [ruling] = await query<{ outcome: string; label: string; note: string }>(
    `SELECT outcome::text, label, note FROM review_resolution WHERE "imageId" = $1`,
    [imageId],
  );
  expect(ruling).toEqual({ outcome: "relabel", label: "sadness", note: "Downturned mouth, no fear" });
  await boss.getByRole("button", { name: "Resolved" }).click();
  const resolved = boss.getByRole("list", { name: "Resolved images" }).locator(`li[data-image-id="${imageId}"]`);
  await expect(resolved).toContainText("Ruling: relabelled sadness by E2E Admin (“Downturned mouth, no fear”)");
  await expect(resolved).toContainText("Labelled fear → sadness by ruling");
  await expect(boss.getByText("A ruling applies from the next snapshot")).toBeVisible();
  // A ruled image is no longer a disagreement for the curators.
  await one.bringToFront();
  await one.reload();
  await one.getByLabel("Class").selectOption("fear");
  await one.getByLabel(/^Disagreements/).check();
  await expect(one.getByText("No images match these filters.")).toBeVisible();

  // Per image: the admin's history of it lists every action, each matching an audit row.
  const audit = await query<{ action: string; email: string }>(
    `SELECT a.action, u.email FROM audit_log a JOIN "user" u ON u.id = a."actorId" WHERE a."imageId" = $1 ORDER BY a.id DESC`,
    [imageId],
  );
  expect(audit).toEqual([
    { action: "review.resolve", email: admin.email },
    { action: "review.decide", email: reviewerB.email },
    { action: "review.decide", email: reviewerA.email },
  ]);
  await boss.bringToFront();
  await boss.goto("/review");
  await boss.getByLabel("Class").selectOption("fear");
  const bossCells = boss.getByRole("list", { name: "Fear images" }).getByRole("button");
  await expect(bossCells.first()).toBeVisible();
  const index = (await bossCells.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")))).indexOf(imageId);
  expect(index).toBeGreaterThanOrEqual(0);
  await bossCells.nth(index).click();
  await boss.keyboard.press("h");
  const history = boss.getByRole("complementary", { name: `History of image ${imageId.slice(0, 8)}` }).getByRole("listitem");
  await expect(history).toHaveCount(3);
  await expect(history.nth(0)).toContainText("Resolved by E2E Admin");
  await expect(history.nth(0)).toContainText("no ruling → relabelled sadness (“Downturned mouth, no fear”)");
  await expect(history.nth(1)).toContainText("Decided by E2E Curator Three");
  await expect(history.nth(1)).toContainText("not reviewed → relabelled sadness");
  await expect(history.nth(2)).toContainText("Decided by E2E Curator Two");
  await expect(history.nth(2)).toContainText("not reviewed → accepted");

  // Per curator: the audit page lists each person's actions.
  await boss.getByRole("link", { name: "Audit" }).click();
  await expect(boss.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
  await boss.getByRole("link", { name: "E2E Curator Three" }).click();
  const trail = boss.getByRole("list", { name: /^Actions by E2E Curator Three/ });
  const entry = trail.locator(`li[data-image-id="${imageId}"]`);
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText("Decided");
  await expect(entry).toContainText("not reviewed → relabelled sadness");
  const twoActions = await query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log a JOIN "user" u ON u.id = a."actorId" WHERE u.email = $1`, [
    reviewerB.email,
  ]);
  await expect(trail.getByRole("listitem")).toHaveCount(twoActions[0]!.n);
  await boss.goto("/audit");
  await boss.getByRole("link", { name: "E2E Admin" }).click();
  await expect(boss.getByRole("list", { name: /^Actions by E2E Admin/ }).locator(`li[data-image-id="${imageId}"]`)).toContainText("Resolved");
  await boss.screenshot({ path: testInfo.outputPath("audit.png"), fullPage: true });

  // Agreement: the admin sees kappa per class with the images it covers.
  await boss.getByRole("link", { name: "Agreement" }).click();
  const covered = await query<{ n: number }>(`SELECT count(*)::int AS n FROM review_consensus WHERE reviews >= 2`);
  await expect(boss.getByTestId("covered-images")).toHaveText(String(covered[0]!.n));
  await expect(boss.locator('tr[data-class="fear"]')).toContainText("kept 50%");
  await boss.screenshot({ path: testInfo.outputPath("agreement.png"), fullPage: true });

  // Curators cannot reach any of the admin views.
  for (const path of ["/review/conflicts", "/review/agreement", "/audit", "/snapshots"]) {
    await one.goto(path);
    await expect(one).toHaveURL(/\/review$/);
  }
});

test("an admin freezes a snapshot, sees its class balance chart, and exports it", async ({ browser }, testInfo) => {
  const { admin, secondCurator: curator } = state();
  const boss = await signIn(browser, admin);
  await boss.getByRole("link", { name: "Snapshots" }).click();
  await expect(boss.getByRole("heading", { name: "Snapshots", level: 1 })).toBeVisible();
  await boss.getByLabel(/^Name/).fill("E2E freeze");
  await boss.getByRole("button", { name: "Freeze the curated set" }).click();
  await expect(boss.getByText(/^Froze “E2E freeze”: [\d,]+ images\./)).toBeVisible();
  const [row] = await query<{ id: string; contentHash: string; imageCount: number; classCounts: Record<string, Record<string, number>> }>(
    `SELECT id, "contentHash", "imageCount", "classCounts" FROM dataset_snapshot WHERE name = 'E2E freeze'`,
  );
  expect(row!.imageCount).toBeGreaterThan(100);
  // Freezing the same content again returns the same snapshot.
  await boss.getByRole("button", { name: "Freeze the curated set" }).click();
  await expect(boss.getByText("Nothing changed since “E2E freeze”: that snapshot already holds exactly this content.")).toBeVisible();
  expect(await query(`SELECT id FROM dataset_snapshot`)).toHaveLength(1);

  await boss.getByRole("link", { name: "Open it" }).click();
  await expect(boss.getByRole("heading", { name: "E2E freeze", level: 1 })).toBeVisible();
  await expect(boss.getByTestId("snapshot-images")).toHaveText(row!.imageCount.toLocaleString("en-US"));
  await expect(boss.getByTestId("snapshot-hash")).toHaveText(row!.contentHash);

  // The chart: one labelled bar list per split, each bar with its class and count in words.
  const chart = boss.getByRole("figure", { name: "Class balance per split" });
  for (const [split, name] of [
    ["train", "Train"],
    ["val", "Validation"],
    ["test", "Test"],
  ] as const) {
    const bars = chart.getByRole("list", { name: `${name}: images per class` });
    for (const [label, n] of Object.entries(row!.classCounts[split]!)) {
      await expect(bars.locator(`li[data-class="${label}"] .balance-count`)).toHaveText(new RegExp(`^${n.toLocaleString("en-US")} `));
    }
  }
  // The table fallback holds the same numbers.
  await chart.getByText("Show the numbers as a table").click();
  const sadness = chart.getByRole("table").locator('tr[data-class="sadness"]');
  await expect(sadness.locator("td").first()).toHaveText((row!.classCounts.train!.sadness ?? 0).toLocaleString("en-US"));
  await boss.screenshot({ path: testInfo.outputPath("snapshot.png"), fullPage: true });

  // Export as class folders: every image under <split>/<class>/<sha256>.<ext>, plus the manifest that hashes to the snapshot.
  const [tarDownload] = await Promise.all([boss.waitForEvent("download"), boss.getByRole("link", { name: "Download class folders (.tar)" }).click()]);
  expect(tarDownload.suggestedFilename()).toBe(`mien-snapshot-${row!.contentHash.slice(0, 12)}.tar`);
  const files = await readTarExport(readFileSync(await tarDownload.path()));
  expect(files.size).toBe(row!.imageCount + 1);
  const manifest = files.get("manifest.tsv")!;
  expect(createHash("sha256").update(manifest).digest("hex")).toBe(row!.contentHash);
  for (const line of manifest.toString("utf8").trimEnd().split("\n")) {
    const [sha256, label, split] = line.split("\t");
    const name = [...files.keys()].find((k) => k.startsWith(`${split}/${label}/${sha256}.`));
    expect(name, line).toBeDefined();
    expect(createHash("sha256").update(files.get(name!)!).digest("hex")).toBe(sha256);
  }
  // The image the admin moved to sadness is in the sadness folder.
  const [resolved] = await query<{ sha256: string; split: string }>(`SELECT sha256, split::text FROM image WHERE id = $1`, [resolvedImage]);
  expect([...files.keys()].some((k) => k.startsWith(`${resolved!.split}/sadness/${resolved!.sha256}.`))).toBe(true);

  const [csvDownload] = await Promise.all([boss.waitForEvent("download"), boss.getByRole("link", { name: "Download CSV" }).click()]);
  const csv = readFileSync(await csvDownload.path(), "utf8")
    .trimEnd()
    .split("\n");
  expect(csv[0]).toBe("sha256,label,split,file");
  expect(csv).toHaveLength(row!.imageCount + 1);

  // Only admins may export.
  const one = await signIn(browser, curator);
  expect((await one.request.get(`/api/snapshots/${row!.id}/export?format=csv`)).status()).toBe(403);
  expect((await boss.request.get(`/api/snapshots/${row!.id}/export?format=zip`)).status()).toBe(400);
});

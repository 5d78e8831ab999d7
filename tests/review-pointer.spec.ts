import { randomBytes } from "node:crypto";

import { expect, test, type Locator, type Page } from "@playwright/test";

import { type Credentials } from "./e2e-env.ts";
import { addUser, query, signIn } from "./e2e-helpers.ts";

// A curator of its own, on a class no other spec reviews; every decision is undone by the end, so
// later specs' snapshots and counts are untouched.
const curator: Credentials = { email: "pointer-curator@e2e.mien.test", password: randomBytes(12).toString("base64url") };

const decisionsOf = (email: string) =>
  query<{ image_id: string; kind: string; label: string | null; flags: string }>(
    `SELECT d."imageId" AS image_id, d.kind::text AS kind, d.label, array_to_string(d.flags, ',') AS flags
       FROM review_decision d JOIN "user" u ON u.id = d."curatorId" WHERE u.email = $1`,
    [email],
  );

test.beforeAll(() => addUser(curator, "curator", "E2E Pointer Curator"));

/** Signs the curator in on the review page's contempt images; returns the grid's cells. */
async function openContempt(page: Page): Promise<Locator> {
  await signIn(page, curator);
  await page.goto("/review");
  await page.getByLabel("Class").selectOption("contempt");
  return page.getByRole("list", { name: "Contempt images" }).getByRole("button");
}

test("a curator with a mouse alone keeps, relabels, flags, bulk-flags and undoes from the buttons under the preview", async ({ page }) => {
  const cells = await openContempt(page);
  await expect(cells.nth(4)).toBeVisible();
  const ids = await cells.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")!));
  const announcer = page.getByTestId("review-announcer");
  const bar = (n: number) => page.getByRole("region", { name: `Decide on #${n}` });

  await cells.nth(0).click();
  const keep = bar(1).getByRole("button", { name: "Keep as contempt" });
  // Each button names the key that does the same.
  await expect(keep).toHaveAttribute("aria-keyshortcuts", "a");
  await keep.click();
  await expect(announcer).toHaveText("Accepted #1");
  // A decision moves on to the next image, as its key does.
  await expect(cells.nth(1)).toHaveAttribute("aria-current", "true");
  await bar(2).getByRole("group", { name: "Relabel as" }).getByRole("button", { name: "Fear" }).click();
  await expect(announcer).toHaveText("Relabelled #2 as fear");
  // The image's own label is not offered as a relabel.
  await expect(bar(3).getByRole("group", { name: "Relabel as" }).getByRole("button", { name: "Contempt" })).toHaveCount(0);
  await bar(3).getByRole("group", { name: "Flag" }).getByRole("button", { name: "Text over the face" }).click();
  await expect(announcer).toHaveText("Marked #3 as text over the face");
  await expect(cells.nth(3)).toHaveAttribute("aria-current", "true");

  // Select #4 and #5, then flag both from the dialog.
  await bar(4).getByRole("button", { name: "Select #4" }).click();
  await expect(announcer).toHaveText("Selected #4; 1 selected");
  await cells.nth(4).click();
  await bar(5).getByRole("button", { name: "Select #5" }).click();
  // Selected thumbnails are marked (a tick over the image), so a bulk flag shows what it will flag.
  const mark = (i: number) => cells.nth(i).evaluate((el) => getComputedStyle(el, "::after").content);
  expect(await mark(3)).toBe('"✓"');
  expect(await mark(4)).toBe('"✓"');
  expect(await mark(5)).toBe("none");
  await bar(5).getByRole("button", { name: "Flag 2 selected…" }).click();
  const dialog = page.getByRole("dialog", { name: "Flag 2 selected images" });
  await dialog.getByRole("button", { name: /no face/ }).click();
  await expect(dialog).toHaveCount(0);
  await expect(announcer).toHaveText("Flagged 2 selected images as no face");

  await expect
    .poll(async () => (await decisionsOf(curator.email)).map((d) => [d.image_id, d.kind, d.label ?? d.flags]).sort())
    .toEqual(
      [
        [ids[0], "accept", ""],
        [ids[1], "relabel", "fear"],
        [ids[2], "flag", "text_overlay"],
        [ids[3], "flag", "no_face"],
        [ids[4], "flag", "no_face"],
      ].sort(),
    );
  await expect(cells.nth(1)).toHaveAttribute("aria-label", /#2, labelled contempt, your decision: relabelled fear/);

  // Undo is offered only where this curator has decided; undoing all five leaves nothing behind.
  await cells.nth(5).click();
  await expect(bar(6).getByRole("button", { name: "Undo my decision" })).toHaveCount(0);
  for (let i = 0; i < 5; i++) {
    await cells.nth(i).click();
    await bar(i + 1)
      .getByRole("button", { name: "Undo my decision" })
      .click();
    await expect(announcer).toHaveText(`Undone #${i + 1}`);
  }
  await expect.poll(() => decisionsOf(curator.email)).toEqual([]);
  await expect(cells.nth(0)).toHaveAttribute("aria-label", /your decision: not reviewed/);
});

test("on a phone, a decision under the preview moves on to the next image without scrolling back to the grid", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const cells = await openContempt(page);
  await cells.nth(0).click();
  const keep = page.getByRole("region", { name: "Decide on #1" }).getByRole("button", { name: "Keep as contempt" });
  await keep.scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  expect(before).toBeGreaterThan(300);
  await keep.click();
  await expect(page.getByTestId("review-announcer")).toHaveText("Accepted #1");
  await expect(page.getByRole("region", { name: "Decide on #2" })).toBeInViewport();
  expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThan(50);

  // Undone, so later specs see this class as it was.
  await cells.nth(0).click();
  await page.getByRole("region", { name: "Decide on #1" }).getByRole("button", { name: "Undo my decision" }).click();
  await expect(page.getByTestId("review-announcer")).toHaveText("Undone #1");
  await expect.poll(() => decisionsOf(curator.email)).toEqual([]);
});

test("after ticking a filter's check box the arrow keys move in the grid again, and Space still toggles the box", async ({ page }) => {
  const cells = await openContempt(page);
  await expect(cells.nth(2)).toBeVisible();
  const box = page.getByRole("checkbox", { name: "Not yet reviewed by me" });
  await box.check();
  // Once the filtered grid has loaded, with the keyboard still on the box:
  await page.waitForLoadState("networkidle");
  await expect(cells.nth(2)).toBeVisible();
  await box.focus();
  await expect(cells.nth(0)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("ArrowRight");
  await expect(cells.nth(1)).toHaveAttribute("aria-current", "true");
  await box.focus();
  await page.keyboard.press(" ");
  await expect(box).not.toBeChecked();
});

import { expect, test } from "@playwright/test";

import { query, signIn, state } from "./e2e-helpers.ts";

interface DecisionRow {
  image_id: string;
  kind: string;
  label: string | null;
  flags: string;
}

/** The curator's live decisions, straight from PostgreSQL. */
const decisionsOf = (email: string) =>
  query<DecisionRow>(
    `SELECT d."imageId" AS image_id, d.kind::text AS kind, d.label, array_to_string(d.flags, ',') AS flags
       FROM review_decision d JOIN "user" u ON u.id = d."curatorId" WHERE u.email = $1`,
    [email],
  );

const auditOf = (email: string, imageId: string) =>
  query<{ action: string }>(
    `SELECT a.action FROM audit_log a JOIN "user" u ON u.id = a."actorId"
      WHERE u.email = $1 AND a."imageId" = $2 ORDER BY a.id DESC`,
    [email, imageId],
  );

test("a curator reviews, relabels, bulk-flags and undoes with the keyboard alone, and the history shows it all", async ({ page }, testInfo) => {
  const { curator } = state();
  await signIn(page, curator);
  await page.getByRole("link", { name: "Review" }).click();
  await expect(page).toHaveURL(/\/review$/);
  await expect(page.getByRole("heading", { name: "Review", level: 1 })).toBeVisible();

  const cells = page.getByRole("list", { name: "Anger images" }).getByRole("button");
  await expect(cells.first()).toBeVisible();
  const ids = await cells.evaluateAll((els) => els.map((el) => el.getAttribute("data-image-id")!));
  expect(ids.length).toBeGreaterThanOrEqual(6);
  const announcer = page.getByTestId("review-announcer");

  // The first image has focus; each decision moves focus on by itself.
  await cells.nth(0).focus();
  await expect(cells.nth(0)).toBeFocused();
  await page.keyboard.press("a");
  await expect(announcer).toHaveText("Accepted #1");
  await expect(cells.nth(1)).toBeFocused();
  await page.keyboard.press("u");
  await expect(announcer).toHaveText("Marked #2 as unclear");
  await page.keyboard.press("5");
  await expect(announcer).toHaveText("Relabelled #3 as happiness");
  await page.keyboard.press("t");
  await expect(announcer).toHaveText("Marked #4 as text over the face");
  await expect(cells.nth(4)).toBeFocused();
  await expect(cells.nth(1)).toHaveAttribute("aria-label", /#2, labelled anger, your decision: flagged unclear/);

  await expect
    .poll(async () => (await decisionsOf(curator.email)).map((d) => [d.image_id, d.kind, d.label ?? d.flags]).sort())
    .toEqual(
      [
        [ids[0], "accept", ""],
        [ids[1], "flag", "unclear"],
        [ids[2], "relabel", "happiness"],
        [ids[3], "flag", "text_overlay"],
      ].sort(),
    );

  // Select #5 and #6, then flag both as duplicates.
  await page.keyboard.press("x");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(announcer).toHaveText("Selected #6; 2 selected");
  await page.keyboard.press("b");
  await expect(page.getByRole("dialog", { name: "Flag 2 selected images" })).toBeVisible();
  await page.keyboard.press("d");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(announcer).toHaveText("Flagged 2 selected images as duplicate");
  await expect
    .poll(async () =>
      (await decisionsOf(curator.email))
        .filter((d) => d.flags === "duplicate")
        .map((d) => d.image_id)
        .sort(),
    )
    .toEqual([ids[4], ids[5]].sort());

  // Back to #4 and undo its flag: the decision is gone.
  await page.keyboard.press("k");
  await page.keyboard.press("p");
  await expect(cells.nth(3)).toBeFocused();
  await page.keyboard.press("z");
  await expect(announcer).toHaveText("Undone #4");
  await expect.poll(async () => (await decisionsOf(curator.email)).some((d) => d.image_id === ids[3])).toBe(false);
  await expect(cells.nth(3)).toHaveAttribute("aria-label", /your decision: not reviewed/);

  // The history panel lists exactly the audit rows of the focused image.
  await page.keyboard.press("h");
  const history = page.getByRole("complementary", { name: `History of image ${ids[3]!.slice(0, 8)}` });
  // It opens under the decisions and is brought into view.
  await expect(history).toBeInViewport();
  const audit4 = await auditOf(curator.email, ids[3]!);
  expect(audit4.map((a) => a.action)).toEqual(["review.undo", "review.decide"]);
  await expect(history.getByRole("listitem")).toHaveCount(audit4.length);
  await expect(history.getByRole("listitem").first()).toContainText("Undone by E2E Curator");
  await expect(history.getByRole("listitem").first()).toContainText("flagged text over the face → not reviewed");

  await page.keyboard.press("j");
  const history5 = page.getByRole("complementary", { name: `History of image ${ids[4]!.slice(0, 8)}` });
  const audit5 = await auditOf(curator.email, ids[4]!);
  expect(audit5.map((a) => a.action)).toEqual(["review.bulk_flag"]);
  await expect(history5.getByRole("listitem")).toHaveCount(1);
  await expect(history5.getByRole("listitem").first()).toContainText("Bulk-flagged");

  // The help overlay lists the keys; Esc closes it.
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toContainText("Relabel as happiness");
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("review.png"), fullPage: true });

  // Thumbnails: immutable for curators, refused without a session.
  const thumb = await page.request.get(`/api/images/${ids[0]}/thumb`);
  expect(thumb.status()).toBe(200);
  // A 128 px WebP, or the original itself when it is a small JPEG (the demo sample's are).
  expect(thumb.headers()["content-type"]).toMatch(/^image\/(webp|jpeg)$/);
  expect(thumb.headers()["cache-control"]).toContain("immutable");
  expect((await thumb.body()).length).toBeGreaterThan(0);
});

test("data-set images and the review page are for curators only", async ({ page, request }) => {
  const anonymous = await request.get("/api/images/00000000-0000-4000-8000-000000000000/thumb");
  expect(anonymous.status()).toBe(401);

  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(`reviewer-${Date.now()}@e2e.mien.test`);
  await page.getByLabel("Password").fill("a-good-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("account-role")).toHaveText("user");
  await expect(page.getByRole("link", { name: "Review" })).toHaveCount(0);
  const [image] = await query<{ id: string }>(`SELECT id FROM image LIMIT 1`, []);
  expect((await page.request.get(`/api/images/${image!.id}/thumb`)).status()).toBe(403);
  await page.goto("/review");
  // Home sends plain users on to the coach.
  await expect(page).toHaveURL(/\/coach$/);
});

test("an admin sets reviews required and sees the images whose reviewers disagree", async ({ page }) => {
  const { admin, curator } = state();
  // The curator accepts the first surprise image; the admin will flag it, so they disagree.
  const [image] = await query<{ id: string }>(`SELECT id FROM image WHERE label = 'surprise' ORDER BY id LIMIT 1`, []);
  const imageId = image!.id;
  await query(
    `INSERT INTO review_decision (id, "imageId", "curatorId", kind, "updatedAt")
     SELECT gen_random_uuid(), $1, id, 'accept', now() FROM "user" WHERE email = $2`,
    [imageId, curator.email],
  );

  await signIn(page, admin);
  await page.getByRole("link", { name: "Review" }).click();
  await page.getByLabel("Class").selectOption("surprise");
  const first = page.getByRole("list", { name: "Surprise images" }).getByRole("button").first();
  await expect(first).toHaveAttribute("data-image-id", imageId);
  await expect(first).toBeFocused();
  await page.keyboard.press("u");
  await expect(page.getByTestId("review-announcer")).toHaveText("Marked #1 as unclear");
  await expect.poll(async () => (await decisionsOf(admin.email)).map((d) => [d.image_id, d.flags])).toEqual([[imageId, "unclear"]]);

  await page.getByRole("link", { name: "Conflicts" }).click();
  await expect(page.getByRole("heading", { name: "Review conflicts", level: 1 })).toBeVisible();
  const conflict = page.getByRole("list", { name: "Conflicting images" }).locator(`li[data-image-id="${imageId}"]`);
  await expect(conflict).toContainText("E2E Curator: accepted");
  await expect(conflict).toContainText("E2E Admin: flagged unclear");

  await page.getByLabel("Reviews required per image").fill("2");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved: 2 reviews per image.")).toBeVisible();
  const [setting] = await query<{ value: number }>(`SELECT value FROM app_setting WHERE key = 'review.reviewsRequired'`, []);
  expect(setting?.value).toBe(2);
  const audit = await query<{ after: { value: number } }>(`SELECT after FROM audit_log WHERE action = 'settings.set'`, []);
  expect(audit.map((a) => a.after.value)).toEqual([2]);
  // Two reviews still disagree, so the image stays in the queue.
  await expect(conflict).toBeVisible();
});

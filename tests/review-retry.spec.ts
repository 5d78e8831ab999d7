import { randomBytes } from "node:crypto";

import { expect, test, type Route } from "@playwright/test";

import { type Credentials } from "./e2e-env.ts";
import { addUser, query, signIn } from "./e2e-helpers.ts";

// A curator of its own, on a class no other spec reviews, so their exact-count checks stay untouched.
const curator: Credentials = { email: "retry-curator@e2e.mien.test", password: randomBytes(12).toString("base64url") };

const decisionsOf = (email: string) =>
  query<{ image_id: string; kind: string; version: number }>(
    `SELECT d."imageId" AS image_id, d.kind::text AS kind, d.version FROM review_decision d JOIN "user" u ON u.id = d."curatorId" WHERE u.email = $1`,
    [email],
  );

const auditOf = (email: string) =>
  query<{ image_id: string; action: string }>(
    `SELECT a."imageId" AS image_id, a.action FROM audit_log a JOIN "user" u ON u.id = a."actorId" WHERE u.email = $1 ORDER BY a.id`,
    [email],
  );

test.beforeAll(() => addUser(curator, "curator", "E2E Retry Curator"));

test("a decision the server never got rolls back, says so with a Retry, and Retry records it once", async ({ page }) => {
  test.setTimeout(60_000);
  await signIn(page, curator);
  await page.goto("/review");
  await page.getByLabel("Class").selectOption("disgust");
  const cells = page.getByRole("list", { name: "Disgust images" }).getByRole("button");
  await cells.first().click();
  await expect(cells.first()).toBeFocused();
  const imageId = (await cells.first().getAttribute("data-image-id"))!;

  // The first review.decide is held until the page has shown it optimistically, then dropped like a lost
  // connection; later ones go through.
  const sent: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/trpc\/[^?]*review\.decide/, async (route: Route) => {
    sent.push(route.request().postData() ?? "");
    if (sent.length === 1) {
      await held;
      await route.abort("connectionreset");
    } else {
      await route.continue();
    }
  });

  await page.keyboard.press("a");
  // Optimistic: the grid shows the accept at once, before any answer.
  await expect(cells.first()).toHaveAttribute("data-decision", "accept");
  release();

  // Then it rolls back, and the page says what happened and offers to send it again.
  await expect(cells.first()).toHaveAttribute("data-decision", "none");
  await expect(cells.first()).toHaveAttribute("aria-label", /your decision: not reviewed/);
  const announcer = page.getByTestId("review-announcer");
  await expect(announcer).toHaveText("Not saved: Accepted #1, because the server could not be reached. Press Retry to send it again.");
  const failures = page.getByTestId("review-failures");
  await expect(failures).toContainText("Accepted #1: not recorded, because the server could not be reached.");
  const retry = failures.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();
  // Nothing reached the database.
  expect(await decisionsOf(curator.email)).toEqual([]);
  expect(await auditOf(curator.email)).toEqual([]);

  await retry.click();
  await expect(announcer).toHaveText("Saved on retry: Accepted #1");
  await expect(failures).toHaveCount(0);
  await expect(cells.first()).toHaveAttribute("data-decision", "accept");
  // Retry re-sent exactly the same decision: same image, same choice, same expected version.
  expect(sent).toHaveLength(2);
  expect(sent[1]).toBe(sent[0]);
  expect(sent[0]).toContain(imageId);

  // Recorded once, with one audit row, and the image's history shows it.
  await expect.poll(() => decisionsOf(curator.email)).toEqual([{ image_id: imageId, kind: "accept", version: 1 }]);
  expect(await auditOf(curator.email)).toEqual([{ image_id: imageId, action: "review.decide" }]);
  await cells.first().click();
  await page.keyboard.press("h");
  const history = page.getByRole("complementary", { name: /^History of image / });
  await expect(history.getByRole("listitem")).toHaveCount(1);
  await expect(history.getByRole("listitem").first()).toContainText("Decided by E2E Retry Curator");
  await expect(history.getByRole("listitem").first()).toContainText("not reviewed → accepted");
});

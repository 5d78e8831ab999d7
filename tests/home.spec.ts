import { expect, test, type Page } from "@playwright/test";
import pg from "pg";

import { type Credentials } from "./e2e-env.ts";
import { query, state } from "./e2e-helpers.ts";

const CLASSES = ["anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"];
const SPLITS = ["train", "val", "test", "unassigned"] as const;
type Counts = Record<(typeof SPLITS)[number] | "total", number>;

const number = new Intl.NumberFormat("en-US");
const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** What the home table should show, straight from PostgreSQL. */
async function expectedCounts(databaseUrl: string): Promise<{ byClass: Map<string, Counts>; totals: Counts }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ label: string; split: string | null; n: string }>(
      `SELECT label, split::text AS split, count(*) AS n FROM image GROUP BY label, split`,
    );
    const zero = (): Counts => ({ train: 0, val: 0, test: 0, unassigned: 0, total: 0 });
    const byClass = new Map(CLASSES.map((c) => [c, zero()]));
    const totals = zero();
    for (const r of rows) {
      const split = (r.split ?? "unassigned") as (typeof SPLITS)[number];
      const n = Number(r.n);
      const counts = byClass.get(r.label)!;
      counts[split] += n;
      counts.total += n;
      totals[split] += n;
      totals.total += n;
    }
    return { byClass, totals };
  } finally {
    await client.end();
  }
}

async function signIn(page: Page, who: Credentials) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The text of every cell in a row (header cell first). */
async function rowCells(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).locator("th, td").allInnerTexts();
}

test("an admin signs in and sees exactly the per-split counts the database holds, then signs out", async ({ page }, testInfo) => {
  const { admin, databaseUrl } = state();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);

  await signIn(page, admin);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("banner")).toContainText("Mien");
  await expect(page.getByTestId("account-email")).toHaveText(admin.email);
  await expect(page.getByTestId("account-role")).toHaveText("admin");

  const table = page.getByRole("table", { name: "Data set" });
  await expect(table).toBeVisible();
  await expect(table.getByRole("columnheader")).toHaveText(["Class", "Train", "Validation", "Test", "Unassigned", "Total"]);
  await expect(table.locator("tbody").getByRole("rowheader")).toHaveText(CLASSES.map(title));

  const { byClass, totals } = await expectedCounts(databaseUrl);
  expect(totals.total, "global setup imported the demo sample").toBeGreaterThan(0);
  for (const name of CLASSES) {
    const c = byClass.get(name)!;
    expect(await rowCells(page, `tbody tr[data-class="${name}"]`), name).toEqual([
      title(name),
      ...[...SPLITS, "total" as const].map((k) => number.format(c[k])),
    ]);
  }
  expect(await rowCells(page, 'tfoot tr[data-class="total"]')).toEqual(["All classes", ...[...SPLITS, "total" as const].map((k) => number.format(totals[k]))]);
  await expect(page.getByTestId("total-images")).toHaveText(number.format(totals.total));
  await page.screenshot({ path: testInfo.outputPath("home-admin.png"), fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("a curator sees the data set too", async ({ page }) => {
  await signIn(page, state().curator);
  await expect(page.getByTestId("account-role")).toHaveText("curator");
  await expect(page.getByRole("table", { name: "Data set" }).locator("tbody tr")).toHaveCount(CLASSES.length);
});

test("a new account is a plain user who lands on the coach: no data set, and the API refuses dataset.summary", async ({ page, request }, testInfo) => {
  const email = `user-${Date.now()}@e2e.mien.test`;
  await page.goto("/sign-up");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-long-password");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/coach$/);
  await expect(page.getByTestId("account-role")).toHaveText("user");
  await expect(page.getByRole("heading", { name: "Coach", level: 1 })).toBeVisible();
  await expect(page.getByText("Mien helps you see what your own face is saying.")).toBeVisible();
  await expect(page.getByText("never for reading other people")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(["Coach", "Progress", "Sharing", "Mentoring"]);
  await expect(page.getByRole("table")).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("home-user.png"), fullPage: true });

  // The page's own cookies: signed in, but not allowed.
  const refused = await page.request.get("/api/trpc/dataset.summary");
  expect(refused.status()).toBe(403);
  const body = (await refused.json()) as { error: { json: { message: string; data: { code: string } } } };
  expect(body.error.json.data.code).toBe("FORBIDDEN");
  expect(body.error.json.message).toMatch(/needs the curator role/);

  // No cookies at all: not signed in.
  const anonymous = await request.get("/api/trpc/dataset.summary");
  expect(anonymous.status()).toBe(401);
});

test("the sign-up form cannot be sent before the page has loaded its scripts, so a password never lands in the address", async ({ page }) => {
  // Hold the page's scripts: this is what a slow connection sees between the HTML and hydration.
  let release!: () => void;
  const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsHeld;
    await route.continue();
  });
  await page.goto("/sign-up", { waitUntil: "domcontentloaded" });
  const create = page.getByRole("button", { name: "Create account" });
  await expect(create).toBeDisabled();
  const email = `early-${Date.now()}@e2e.mien.test`;
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-long-password");
  // Enter in a field is the browser's implicit submit; with the button disabled it sends nothing.
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(/\/sign-up$/);

  release();
  await expect(create).toBeEnabled();
  await create.click();
  await expect(page).toHaveURL(/\/coach$/);
  await expect(page.getByTestId("account-role")).toHaveText("user");
  expect(page.url()).not.toContain("password");
  const [account] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM "user" WHERE email = $1`, [email]);
  expect(account!.n).toBe("1");
});

test("a wrong password shows a clear error and keeps you on the sign-in page", async ({ page }) => {
  await signIn(page, { email: state().admin.email, password: "not-the-password" });
  // Scoped to the form: Next's route announcer is an (empty) alert too.
  await expect(page.locator("form").getByRole("alert")).toHaveText("That email and password do not match an account. Check both and try again.");
  await expect(page).toHaveURL(/\/sign-in$/);
  // Focus is on the password, to try again (the button was disabled while the request ran, which dropped it).
  await expect(page.getByLabel("Password")).toBeFocused();
});

test("every page names Mien's icon, and a page load asks for nothing that is missing", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/sign-in");
  await page.waitForLoadState("networkidle");
  // Without a named icon the browser asked for /favicon.ico, a 404 on every page.
  expect(errors).toEqual([]);
  const icon = page.locator('link[rel="icon"]');
  await expect(icon).toHaveAttribute("href", "/icons/icon-192.png");
  const res = await page.request.get("/icons/icon-192.png");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/png");
});

test("an address Mien does not have is a page of Mien's, with its navigation and a way to the coach", async ({ page }) => {
  const response = await page.goto(`/coach/model-card/${"0".repeat(64)}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the coach" }).click();
  await expect(page).toHaveURL(/\/coach$/);
});

test("the packaged model's card says when the coach runs a promoted version instead, and links to its card", async ({ page }) => {
  // Global setup's bootstrap made the committed default model the active version.
  const active = (await (await page.request.get("/api/models/active")).json()) as { contentHash: string; version: number };
  await page.goto("/coach/model-card");
  await expect(page.getByTestId("model-card-superseded")).toContainText(`The coach now runs version ${active.version}`);
  await page.getByTestId("model-card-superseded").getByRole("link", { name: "its model card" }).click();
  await expect(page).toHaveURL(new RegExp(`/coach/model-card/${active.contentHash}$`));
});

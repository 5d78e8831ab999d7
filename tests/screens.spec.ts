import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect, test, type APIRequestContext, type BrowserContext, type Locator, type Page } from "@playwright/test";

import { REPO_ROOT } from "./e2e-env.ts";
import { mien, query, state } from "./e2e-helpers.ts";

// Every page of apps/web/src/app at a desktop and a phone width, as a role that may open it: a
// full-page screenshot for a person to look at (attached to the report), and layout invariants that
// break when the layout does. No pixel baselines: most pages show live data.
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

type Role = "anonymous" | "user" | "curator" | "admin";

/** Filled in beforeAll: the rows the pages with an id in their path show. */
const ids = { snapshot: "", trainingJob: "", admin: "", learner: "", modelHash: "", learnerEmail: "" };

interface Screen {
  path: () => string;
  role: Role;
  /** Visible once the page's main content has loaded (not a loading state). */
  ready: (page: Page) => Locator;
}

const SCREENS: Record<string, Screen> = {
  "sign-in": { path: () => "/sign-in", role: "anonymous", ready: (p) => p.getByRole("button", { name: "Sign in" }) },
  "sign-up": { path: () => "/sign-up", role: "anonymous", ready: (p) => p.getByRole("button", { name: "Create account" }) },
  "mentor-accept": { path: () => "/mentor/accept", role: "anonymous", ready: (p) => p.getByTestId("accept-signed-out") },
  coach: { path: () => "/coach", role: "user", ready: (p) => p.getByTestId("coach-model") },
  progress: { path: () => "/coach/progress", role: "user", ready: (p) => p.getByTestId("progress-happiness") },
  sharing: { path: () => "/coach/sharing", role: "user", ready: (p) => p.getByTestId("mentor-list") },
  "model-card-packaged": { path: () => "/coach/model-card", role: "user", ready: (p) => p.getByRole("heading", { name: /^Model card:/, level: 1 }) },
  "model-card": {
    path: () => `/coach/model-card/${ids.modelHash}`,
    role: "user",
    ready: (p) => p.getByRole("heading", { name: /\(version \d+\)$/, level: 1 }),
  },
  "data-set": { path: () => "/", role: "admin", ready: (p) => p.getByTestId("total-images") },
  review: { path: () => "/review", role: "curator", ready: (p) => p.locator("ul.review-grid button").first() },
  conflicts: { path: () => "/review/conflicts", role: "admin", ready: (p) => p.getByRole("heading", { name: /Waiting for a ruling|Resolved/ }) },
  agreement: { path: () => "/review/agreement", role: "admin", ready: (p) => p.getByTestId("overall-kappa") },
  screening: { path: () => "/screening", role: "admin", ready: (p) => p.getByRole("heading", { name: /^(Latest run|No screening run yet)/, level: 2 }) },
  audit: { path: () => "/audit", role: "admin", ready: (p) => p.getByRole("region", { name: "Reviewers" }) },
  "audit-person": { path: () => `/audit/${ids.admin}`, role: "admin", ready: (p) => p.locator("#activity-heading") },
  snapshots: { path: () => "/snapshots", role: "admin", ready: (p) => p.getByRole("region", { name: "Snapshots" }) },
  snapshot: { path: () => `/snapshots/${ids.snapshot}`, role: "admin", ready: (p) => p.getByTestId("snapshot-hash") },
  training: { path: () => "/admin/training", role: "admin", ready: (p) => p.getByRole("table", { name: "Training jobs" }) },
  "training-job": { path: () => `/admin/training/${ids.trainingJob}`, role: "admin", ready: (p) => p.getByTestId("job-status") },
  models: { path: () => "/admin/models", role: "admin", ready: (p) => p.getByRole("table", { name: "Model versions" }) },
  mentoring: { path: () => "/mentor", role: "admin", ready: (p) => p.getByTestId(`learner-${ids.learnerEmail}`) },
  "mentor-learner": { path: () => `/mentor/${ids.learner}`, role: "admin", ready: (p) => p.getByRole("region", { name: "Scores per expression" }) },
};

/** An admin sees every link: Practise 4, Curate 5, Admin 4. */
const ADMIN_NAV = {
  Practise: ["Coach", "Progress", "Sharing", "Mentoring"],
  Curate: ["Data set", "Review", "Conflicts", "Agreement", "Screening"],
  Admin: ["Audit", "Snapshots", "Training", "Models"],
};

const contexts = new Map<Role, BrowserContext>();

/** A tRPC mutation with the context's cookies, as the app's client sends it. */
async function mutate<T>(request: APIRequestContext, path: string, input: unknown, meta?: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: meta ? { json: input, meta } : { json: input } });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const { admin, curator } = state();
  for (const role of ["anonymous", "user", "curator", "admin"] as const) contexts.set(role, await browser.newContext());
  const signInAs = async (role: Role, who: typeof admin) => {
    const page = await contexts.get(role)!.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(who.email);
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    // Password hashing is slow on a loaded 2-core machine (10 s was not enough at load 10).
    await expect(page).toHaveURL(/\/$/, { timeout: 30_000 });
    await page.close();
  };
  await signInAs("admin", admin);
  await signInAs("curator", curator);
  const asAdmin = contexts.get("admin")!.request;

  // A learner with a few practice scores who shares them with the admin, for the practice and mentor pages.
  const learner = await contexts.get("user")!.newPage();
  ids.learnerEmail = `screens-${Date.now()}@e2e.mien.test`;
  await learner.goto("/sign-up");
  await learner.getByLabel("Name").fill("Sam Screens");
  await learner.getByLabel("Email").fill(ids.learnerEmail);
  await learner.getByLabel("Password").fill("a-good-long-password");
  await learner.getByRole("button", { name: "Create account" }).click();
  await expect(learner).toHaveURL(/\/coach$/, { timeout: 30_000 });
  await learner.close();
  const asLearner = contexts.get("user")!.request;
  const scores: Array<[string, number]> = [
    ["happiness", 42],
    ["happiness", 71],
    ["surprise", 64],
    ["sadness", 35],
  ];
  for (const [i, [target, score]] of scores.entries()) {
    await mutate(
      asLearner,
      "coach.saveAttempt",
      {
        session: { id: randomUUID(), modelKey: "screens-spec", modelName: "Screens spec" },
        attempt: {
          id: randomUUID(),
          madeAt: new Date(Date.now() - (scores.length - i) * 60_000).toISOString(),
          target,
          score,
          succeeded: score >= 50,
          holdMs: 2000,
          durationMs: 5000,
          calibrated: true,
          readAs: [{ expression: target, probability: score / 100 }],
        },
      },
      { values: { "attempt.madeAt": ["Date"] } },
    );
  }
  const invitation = await mutate<{ code: string }>(asLearner, "sharing.invite", undefined);
  await mutate(asAdmin, "mentoring.redeem", { code: invitation.code });

  const [learnerRow] = await query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [ids.learnerEmail]);
  const [adminRow] = await query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [admin.email]);
  ids.learner = learnerRow!.id;
  ids.admin = adminRow!.id;

  // Another spec may have frozen a snapshot or trained already; otherwise make the rows here.
  const [snapshot] = await query<{ id: string }>(`SELECT id FROM dataset_snapshot ORDER BY "createdAt" DESC LIMIT 1`);
  ids.snapshot = snapshot?.id ?? (await mutate<{ snapshot: { id: string } }>(asAdmin, "snapshots.create", { name: "Screens spec" })).snapshot.id;
  const [job] = await query<{ id: string }>(`SELECT id FROM training_job ORDER BY "createdAt" DESC LIMIT 1`);
  if (job) ids.trainingJob = job.id;
  else {
    // No trainer runs here: a job started and cancelled at once never trains, and its page is complete.
    const started = await mutate<{ id: string }>(asAdmin, "training.start", { config: { name: "screens-spec", snapshotId: ids.snapshot } });
    await mutate(asAdmin, "training.cancel", { id: started.id });
    ids.trainingJob = started.id;
  }
  // A second version, so the versions table has a Promote button (evaluation.spec registers the same one; the same bytes give the same version).
  mien(["register", "models/fer7-ensemble"]);
  // And one with a long name (model names have no spaces), which must not push the table's actions out of the panel.
  const longName = mkdtempSync(join(tmpdir(), "mien-long-name-"));
  cpSync(join(REPO_ROOT, "models/default"), longName, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(longName, "manifest.json"), "utf8")) as { name: string };
  manifest.name = "fer7-faceapi-mlp-retrained-on-the-curated-snapshot-2026-12";
  writeFileSync(join(longName, "manifest.json"), JSON.stringify(manifest));
  mien(["register", longName]);
  const active = await asAdmin.get("/api/models/active");
  expect(active.status()).toBe(200);
  ids.modelHash = ((await active.json()) as { contentHash: string }).contentHash;
});

test.afterAll(async () => {
  for (const context of contexts.values()) await context.close();
});

/** What is wrong with the layout at the current viewport, as readable lines (empty when nothing is). */
function layoutProblems(page: Page, { navOnOneLine }: { navOnOneLine: boolean }): Promise<string[]> {
  return page.evaluate((navOnOneLine) => {
    const problems: string[] = [];
    const root = document.documentElement;
    const viewport = root.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${Array.from(el.classList)
        .map((c) => `.${c}`)
        .join("")}` + (el.textContent?.trim() ? ` "${el.textContent.trim().slice(0, 30)}"` : "");
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };

    if (root.scrollWidth > viewport + 1) problems.push(`the document scrolls sideways: ${root.scrollWidth} px wide in a ${viewport} px viewport`);

    // Elements sticking out of the viewport, except inside a container that clips or scrolls them.
    for (const area of Array.from(document.querySelectorAll("header, main"))) {
      const walk = (el: Element, clipped: boolean) => {
        for (const child of Array.from(el.children)) {
          if (getComputedStyle(child).clipPath !== "none") continue; // drawn clipped, e.g. .visually-hidden
          const r = child.getBoundingClientRect();
          if (!clipped && shown(child) && (r.left < -1 || r.right > viewport + 1)) {
            problems.push(`${name(child)} spans ${Math.round(r.left)}–${Math.round(r.right)} px of a ${viewport} px viewport`);
            continue; // its descendants stick out with it
          }
          walk(child, clipped || getComputedStyle(child).overflowX !== "visible");
        }
      };
      walk(area, false);
    }

    // In main, no box sticks out sideways from the box it sits in (a select wider than its grid
    // cell, a hint running into the next field), unless it is positioned or transformed (the focused
    // review cell grows 4%) or its parent clips or scrolls.
    const main = document.querySelector("main");
    for (const el of main ? Array.from(main.querySelectorAll("*")) : []) {
      const parent = el.parentElement!;
      const style = getComputedStyle(el);
      if (!shown(el) || ["absolute", "fixed"].includes(style.position) || style.transform !== "none" || style.clipPath !== "none") continue;
      if (getComputedStyle(parent).overflowX !== "visible" || getComputedStyle(parent).display === "contents" || parent.closest(".visually-hidden")) continue;
      const r = el.getBoundingClientRect();
      const p = parent.getBoundingClientRect();
      if (r.left < p.left - 1 || r.right > p.right + 1)
        problems.push(
          `${name(el)} sticks out of ${name(parent)}: ${Math.round(r.left)}–${Math.round(r.right)} px in ${Math.round(p.left)}–${Math.round(p.right)} px`,
        );
    }

    // The header's controls must not sit on one another.
    const header = document.querySelector("header");
    const controls = header ? Array.from(header.querySelectorAll("a, button, input, select, [tabindex]")).filter(shown) : [];
    for (let i = 0; i < controls.length; i++) {
      for (let j = i + 1; j < controls.length; j++) {
        const a = controls[i]!.getBoundingClientRect();
        const b = controls[j]!.getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1 && !controls[i]!.contains(controls[j]!)) problems.push(`${name(controls[i]!)} overlaps ${name(controls[j]!)} in the header`);
      }
    }

    // At desktop width a table fits its panel: scrolling sideways is for phones (the versions table hid its Promote buttons at 1280 px).
    if (navOnOneLine)
      for (const wrap of Array.from(document.querySelectorAll<HTMLElement>(".table-wrap")).filter(shown))
        if (wrap.scrollWidth > wrap.clientWidth + 1)
          problems.push(`${name(wrap.querySelector("table") ?? wrap)} scrolls sideways: ${wrap.scrollWidth} px in ${wrap.clientWidth} px`);

    // Every cell fills its row (a cell styled as a flex box stops being a table cell and ends short of it).
    for (const row of Array.from(document.querySelectorAll<HTMLTableRowElement>("main tr")).filter(shown)) {
      const height = row.getBoundingClientRect().height;
      for (const cell of Array.from(row.cells).filter((c) => c.rowSpan === 1))
        if (Math.abs(cell.getBoundingClientRect().height - height) > 1)
          problems.push(
            `a cell of ${name(row.closest("table") ?? row)} is ${Math.round(cell.getBoundingClientRect().height)} px tall in a ${Math.round(height)} px row`,
          );
    }

    // At desktop width the navigation is one line: every group, and every link in it, on the same row.
    const nav = document.querySelector('nav[aria-label="Main"]');
    if (navOnOneLine && nav) {
      const links = Array.from(nav.querySelectorAll("a"));
      const tops = links.map((a) => Math.round(a.getBoundingClientRect().top));
      if (Math.max(...tops) - Math.min(...tops) > 2)
        problems.push(`the navigation wraps: links at ${[...new Set(tops)].join(", ")} px from the top (${links.map((a) => a.textContent).join(", ")})`);
    }
    return Array.from(new Set(problems));
  }, navOnOneLine);
}

for (const [name, screen] of Object.entries(SCREENS)) {
  test(`${name} (${screen.role}) lays out at ${WIDTHS.map((w) => w.width).join(" and ")} px`, async ({}, testInfo) => {
    test.setTimeout(90_000);
    const page = await contexts.get(screen.role)!.newPage();
    try {
      for (const [i, size] of WIDTHS.entries()) {
        await test.step(`${size.width} px`, async () => {
          await page.setViewportSize(size);
          // The page is loaded once and then narrowed, as a person turns a tablet or narrows a
          // window: the layout is CSS, so the second width needs no second load (half the time).
          if (i === 0) await page.goto(screen.path());
          else await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
          await expect(page).toHaveURL(new RegExp(`${screen.path().replace(/[/?]/g, "\\$&")}$`));
          const main = page.locator("main");
          await expect(screen.ready(page)).toBeVisible({ timeout: 45_000 });
          await expect(main.getByText(/^(Loading|Computing)\b/)).toHaveCount(0);
          // A page whose data failed to load is not the page (a cancelled job's own error is).
          await expect(main.getByRole("alert").filter({ hasText: /could not be (loaded|computed)/ })).toHaveCount(0);
          // Thumbnails and charts in view have arrived, so the screenshot shows them.
          await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete || img.getBoundingClientRect().top > innerHeight));

          // JPEG keeps a report of 44 long pages small; it is for a person to look at, not to compare.
          const shot = await page.screenshot({ fullPage: true, type: "jpeg", quality: 80 });
          await testInfo.attach(`${name}-${size.width}.jpeg`, { body: shot, contentType: "image/jpeg" });
          await expect(page.locator('meta[name="viewport"]')).toHaveAttribute("content", /width=device-width/);
          // Soft, so one run reports both widths.
          expect.soft(await layoutProblems(page, { navOnOneLine: size.width >= 1280 }), `layout at ${size.width} px`).toEqual([]);
        });
      }
    } finally {
      await page.close();
    }
  });
}

// The one-line check at 1280 px is in layoutProblems, run on every page above.
test("an admin's navigation: three labelled groups, and every link reached with Tab, in order and in view, at 1280 and 390 px", async () => {
  const page = await contexts.get("admin")!.newPage();
  try {
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await page.goto("/admin/models");
      const nav = page.getByRole("navigation", { name: "Main" });
      for (const [group, links] of Object.entries(ADMIN_NAV)) await expect(nav.getByRole("group", { name: group }).getByRole("link")).toHaveText(links);
      await expect(nav.getByRole("link", { name: "Models" })).toHaveAttribute("aria-current", "page");

      // Tab from the top of the freshly loaded page: skip link, brand, then every navigation link in order.
      const reached: string[] = [];
      for (let i = 0; i < 20 && reached.length < Object.values(ADMIN_NAV).flat().length; i++) {
        await page.keyboard.press("Tab");
        const focused = page.locator(":focus");
        if (!(await focused.evaluate((el) => Boolean(el.closest('nav[aria-label="Main"]'))))) continue;
        await expect(focused).toBeInViewport({ ratio: 1 });
        reached.push((await focused.textContent()) ?? "");
      }
      expect(reached, `${size.width} px`).toEqual(Object.values(ADMIN_NAV).flat());
    }
  } finally {
    await page.close();
  }
});

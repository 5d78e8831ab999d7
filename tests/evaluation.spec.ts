// Pinned evaluation sets end to end: an admin pins the demo import's test split on the Models page,
// the real evaluation worker (in the trainer process, as `pnpm start` runs it) scores both committed
// versions on it, and the admin compares them (McNemar, flipped thumbnails) and opens the promote
// dialog, which shows the same comparison against the active version.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import { expect, test, type Locator, type Page } from "@playwright/test";

import { APP_ENV, REPO_ROOT } from "./e2e-env.ts";
import { query, signIn, state } from "./e2e-helpers.ts";

const SET_NAME = "Demo test split (e2e)";
const DEMO_ROOT = join(REPO_ROOT, "data", "demo");
/** The classes both committed versions output; the demo's contempt images are left out of scoring. */
const MODEL_CLASSES = ["anger", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"];

interface Version {
  id: string;
  number: number;
  name: string;
}

let trainer: ChildProcess | null = null;
let trainerLog = "";
let ensemble: Version;

test.beforeAll(() => {
  // The second committed version, published with `pnpm mien register` (version 1 is models/default, which global setup's bootstrap registered and activated).
  const registered = spawnSync(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", "register", "models/fer7-ensemble", "--json"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...APP_ENV },
    encoding: "utf8",
  });
  if (registered.status !== 0) throw new Error(`Could not register models/fer7-ensemble:\n${registered.stdout}\n${registered.stderr}`);
  const version = JSON.parse(registered.stdout) as { id: string; number: number; activated: boolean };
  expect(version.activated).toBe(false);
  ensemble = { id: version.id, number: version.number, name: "fer7-ensemble" };
  // The real trainer process: its evaluation worker scores every version on every pinned set.
  trainer = spawn(process.execPath, ["--import", "tsx", "apps/trainer/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...APP_ENV },
    stdio: ["ignore", "pipe", "pipe"],
  });
  trainer.stdout!.on("data", (d: Buffer) => (trainerLog += d.toString()));
  trainer.stderr!.on("data", (d: Buffer) => (trainerLog += d.toString()));
});

test.afterAll(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.error(`trainer log:\n${trainerLog}`);
  if (trainer && trainer.exitCode === null) {
    const exited = new Promise((r) => trainer!.once("exit", r));
    trainer.kill("SIGTERM");
    await exited;
  }
});

/** The demo import and what pinning its test split should hold, straight from the database. */
async function demoTestSplit() {
  const [run] = await query<{ id: string; imported: number }>(
    `SELECT id, imported FROM import_run WHERE root = $1 AND imported > 0 ORDER BY "startedAt" LIMIT 1`,
    [DEMO_ROOT],
  );
  if (!run) throw new Error(`Global setup's import of ${DEMO_ROOT} is missing.`);
  const rows = await query<{ label: string; n: number }>(
    `SELECT COALESCE("sourceClass", label) AS label, count(*)::int AS n FROM image WHERE "importRunId" = $1 AND split = 'test' GROUP BY 1`,
    [run.id],
  );
  const byClass = new Map(rows.map((r) => [r.label, r.n]));
  const total = rows.reduce((s, r) => s + r.n, 0);
  const leftOut = rows.filter((r) => !MODEL_CLASSES.includes(r.label));
  return { run, byClass, total, leftOut, scored: total - leftOut.reduce((s, r) => s + r.n, 0) };
}

/** The version `pnpm mien bootstrap` made active. */
async function activeVersion(): Promise<Version> {
  const [v] = await query<Version>(
    `SELECT v.id, v.number, v.manifest->>'name' AS name FROM model_alias a JOIN model_version v ON v.id = a."versionId" WHERE a.name = 'active'`,
  );
  if (!v) throw new Error("No active version: global setup's bootstrap should have made models/default active.");
  return v;
}

/** "61.3%" → 0.613 */
function percent(text: string | null): number {
  const m = /^(\d+\.\d)%$/.exec(text ?? "");
  if (!m) throw new Error(`"${text}" is not a percentage`);
  return Number(m[1]) / 100;
}

/** McNemar's two-sided exact p, computed here independently: 2 · P(X ≤ min) for X ~ Binomial(b01 + b10, ½), capped at 1. */
function mcnemarP(b01: number, b10: number): number {
  const n = b01 + b10;
  if (n === 0) return 1;
  let term = 1n;
  let tail = 0n;
  for (let i = 0; i <= Math.min(b01, b10); i++) {
    tail += term;
    term = (term * BigInt(n - i)) / BigInt(i + 1);
  }
  return Math.min(1, (2 * Number(tail)) / 2 ** n);
}

interface ShownComparison {
  n: number;
  b01: number;
  b10: number;
  p: number;
  pText: string;
  sentence: string;
}

/** Reads a comparison's McNemar line and sentence, checking they agree with each other and with an exact p. */
async function readComparison(comparison: Locator, a: Version, b: Version): Promise<ShownComparison> {
  const mcnemar = comparison.getByText(/McNemar's exact test on the paired outcomes/);
  await expect(mcnemar).toBeVisible({ timeout: 20_000 });
  const text = (await mcnemar.textContent()) ?? "";
  const m = new RegExp(
    `^(\\d+) images?\\. McNemar's exact test on the paired outcomes: (\\d+) images? v${a.number} got wrong and v${b.number} right, (\\d+) the other way round, p = ([0-9.e+-]+)\\.`,
  ).exec(text);
  if (!m) throw new Error(`Unexpected McNemar line: "${text}"`);
  const [n, b01, b10] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const pText = m[4]!;
  const p = mcnemarP(b01, b10);
  // Shown to three decimals, or as 1.2e-4 below 0.001.
  if (p < 0.001) expect(Math.abs(Number(pText) - p) / p).toBeLessThan(0.05);
  else expect(Number(pText)).toBeCloseTo(p, 3);
  expect(b01 + b10).toBeLessThanOrEqual(n);

  const sentence = (await comparison.getByTestId("comparison-sentence").textContent()) ?? "";
  const [A, B] = [`Version ${a.number}`, `Version ${b.number}`];
  const [better, worse] = b01 > b10 ? [B, A] : [A, B];
  if (b01 === b10) expect(sentence).toContain(`get the same number of these ${n} images right`);
  else if (p < 0.05)
    expect(sentence).toMatch(new RegExp(`^${better} is better than ${worse.toLowerCase()} on this set; a difference this large by chance has p`));
  else
    expect(sentence).toMatch(new RegExp(`^${better} gets ${Math.abs(b01 - b10)} more of ${n} images right than ${worse.toLowerCase()}, .*no clear winner\\.$`));
  return { n, b01, b10, p, pText, sentence };
}

/** The row of a version in the scores table of a pinned set. */
const scoreRow = (page: Page, v: Version) =>
  page
    .getByRole("table", { name: `Scores on ${SET_NAME}` })
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: `v${v.number} ${v.name}`, exact: true }) });

test("an admin pins the demo's test split, compares the two committed versions with their flips, and sees the comparison when promoting", async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const demo = await demoTestSplit();
  const active = await activeVersion();
  expect(demo.scored).toBeGreaterThanOrEqual(20);

  await signIn(page, state().admin);
  await page.goto("/admin/models");
  await expect(page.getByTestId("active-version")).toHaveText(`Active: version ${active.number} (${active.name})`);

  // Pin the demo import's test split.
  const pin = page.getByRole("form", { name: "Pin an evaluation set" });
  await pin.getByLabel("Images").selectOption({ label: `Import: ${DEMO_ROOT} (${demo.run.imported} images)` });
  await pin.getByLabel("Split").selectOption("test");
  // A name of spaces is refused in words (it did nothing, silently).
  await pin.getByLabel("Name").fill("   ");
  await pin.getByRole("button", { name: "Pin set" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Give the set a name." })).toBeVisible();
  await pin.getByLabel("Name").fill(SET_NAME);
  await pin.getByRole("button", { name: "Pin set" }).click();
  // A retry finds the set pinned by the first attempt (a pinned set is never deleted).
  const pinned = testInfo.retry ? /^Already pinned: / : /^Pinned: /;
  await expect(page.getByRole("status").filter({ hasText: "pinned:" })).toHaveText(pinned);
  await expect(page.getByRole("status").filter({ hasText: "pinned:" })).toContainText(`“${SET_NAME}”, ${demo.total} images (`);
  if (!testInfo.retry)
    await expect(page.getByRole("status").filter({ hasText: "pinned:" })).toContainText(
      "2 versions queued for scoring; each one's figures appear below when it is done.",
    );

  const [set] = await query<{ id: string; imageCount: number; items: number }>(
    `SELECT s.id, s."imageCount", (SELECT count(*)::int FROM eval_set_item i WHERE i."setId" = s.id) AS items FROM eval_set s WHERE s.name = $1`,
    [SET_NAME],
  );
  expect(set).toMatchObject({ imageCount: demo.total, items: demo.total });
  const scores = page.getByRole("table", { name: `Scores on ${SET_NAME}` });
  const caption = page.locator("figure", { has: scores }).locator("figcaption");
  await expect(caption).toContainText(`${SET_NAME}: ${demo.total} images (`);
  for (const [label, n] of demo.byClass) await expect(caption).toContainText(new RegExp(`[(,] ?${label} ${n}[,)]`));

  // The evaluation worker scores both versions in the background; the table polls until it has.
  const accuracy = new Map<number, number>();
  for (const v of [active, ensemble]) {
    const cells = scoreRow(page, v).getByRole("cell");
    await expect(cells.first()).toHaveText(/^\d+\.\d%$/, { timeout: 90_000 });
    accuracy.set(v.number, percent(await cells.first().textContent()));
    for (let i = 1; i <= 3; i++) await expect(cells.nth(i)).toHaveText(/^\d+\.\d%$/);
    await expect(cells.nth(4)).toHaveText(/^0\.\d{3}$/);
    // Images of classes a version does not output are counted, not scored as wrong.
    await expect(cells.nth(5)).toHaveText(
      demo.leftOut.length ? `${demo.leftOut.map((r) => `${r.label} ${r.n}`).join(", ")} (classes it does not output)` : "–",
    );
  }

  // Compare the active version (A) with the ensemble (B) on the pinned set.
  const compare = page.getByRole("region", { name: "Compare two versions" });
  await compare.getByLabel("Pinned set").selectOption({ label: SET_NAME });
  await compare.getByLabel("Version A").selectOption({ label: `v${active.number} ${active.name}` });
  await compare.getByLabel("Version B").selectOption({ label: `v${ensemble.number} ${ensemble.name}` });
  const comparison = compare.getByTestId("comparison");
  const shown = await readComparison(comparison, active, ensemble);
  expect(shown.n).toBe(demo.scored);
  // The two versions disagree on some of these images, so there are flips to show.
  expect(shown.b01 + shown.b10).toBeGreaterThan(0);

  // Side by side: the same accuracies as the scores table, and their difference is exactly the flips.
  const metrics = comparison.getByRole("table", { name: "Metrics side by side" });
  const accRow = metrics
    .getByRole("row")
    .filter({ has: page.getByRole("rowheader", { name: "Accuracy", exact: true }) })
    .getByRole("cell");
  const [accA, accB] = [percent(await accRow.nth(0).textContent()), percent(await accRow.nth(1).textContent())];
  expect(accA).toBe(accuracy.get(active.number));
  expect(accB).toBe(accuracy.get(ensemble.number));
  expect(Math.round((accB - accA) * shown.n)).toBe(shown.b01 - shown.b10);
  const delta = ((shown.b01 - shown.b10) / shown.n) * 100;
  await expect(accRow.nth(2)).toHaveText(`${delta > 0 ? "+" : delta < 0 ? "−" : "±"}${Math.abs(delta).toFixed(1)} pt`);
  for (const metric of ["Balanced accuracy", "Macro-F1", "Top-2"]) {
    const cells = metrics
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: metric, exact: true }) })
      .getByRole("cell");
    await expect(cells.nth(0)).toHaveText(/^\d+\.\d%$/);
    await expect(cells.nth(1)).toHaveText(/^\d+\.\d%$/);
  }
  const perClass = comparison.getByRole("table", { name: "Per-class deltas" });
  await expect(perClass.getByRole("rowheader")).toHaveText(MODEL_CLASSES);

  // The flipped images as thumbnails: as many as McNemar counts, each really flipped.
  const [A, B] = [`v${active.number}`, `v${ensemble.number}`];
  const flipIds: string[] = [];
  for (const [key, title, total] of [
    ["toRight", `Wrong under ${A}, right under ${B}`, shown.b01],
    ["toWrong", `Right under ${A}, wrong under ${B}`, shown.b10],
  ] as const) {
    const section = comparison.getByRole("region", { name: title });
    await expect(section.getByRole("heading")).toHaveText(`${title} (${total})`);
    const items = section.getByTestId(`flips-${key}`).getByRole("listitem");
    await expect(items).toHaveCount(total);
    for (const item of await items.all()) {
      const caption = (await item.locator(".hint").textContent()) ?? "";
      const m = new RegExp(`^(\\w+): ${A} (\\w+), ${B} (\\w+)$`).exec(caption);
      if (!m) throw new Error(`Unexpected flip caption: "${caption}"`);
      const [label, predictedA, predictedB] = [m[1]!, m[2]!, m[3]!];
      // Wrong under one version and right under the other.
      const [right, wrong] = key === "toRight" ? [predictedB, predictedA] : [predictedA, predictedB];
      expect(right, caption).toBe(label);
      expect(wrong, caption).not.toBe(label);
      const img = item.getByRole("img", { name: `labelled ${label}` });
      await img.scrollIntoViewIfNeeded();
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0))).toBeGreaterThan(0);
      const id = /^\/api\/images\/([0-9a-f-]{36})\/thumb$/.exec((await img.getAttribute("src")) ?? "")?.[1];
      expect(id).toBeTruthy();
      flipIds.push(id!);
      // The thumbnail is of an image of the pinned set, with the label it is judged against.
      const [row] = await query<{ label: string }>(
        `SELECT i.label FROM eval_set_item i JOIN image m ON m.sha256 = i.sha256 WHERE i."setId" = $1 AND m.id = $2`,
        [set!.id, id],
      );
      expect(row?.label).toBe(label);
    }
  }
  expect(new Set(flipIds).size).toBe(shown.b01 + shown.b10);

  // The promote dialog for the ensemble: the same comparison against the active version, without thumbnails.
  const promote = page.getByRole("button", { name: `Promote version ${ensemble.number} to active` });
  // Sighted users read "Promote to active": the space before "to active" is drawn (a flex button's text runs dropped it).
  const spaceWidth = await promote.evaluate((button) => {
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.startsWith(" to active")) continue;
      const range = document.createRange();
      range.setStart(node, 0);
      range.setEnd(node, 1);
      return range.getBoundingClientRect().width;
    }
    return -1;
  });
  expect(spaceWidth).toBeGreaterThan(0);
  await promote.click();
  const dialog = page.getByRole("dialog", { name: `Promote version ${ensemble.number} (${ensemble.name}) to active?` });
  const against = dialog.getByRole("region", { name: `Against the active version on ${SET_NAME}` });
  await expect(against.getByRole("heading")).toHaveText(`On “${SET_NAME}”: active ${A} (A) against ${B} (B)`);
  const inDialog = await readComparison(against.getByTestId("comparison"), active, ensemble);
  expect(inDialog).toEqual(shown);
  await expect(against.getByRole("table", { name: "Metrics side by side" }).getByRole("row").nth(1)).toHaveText(
    (await metrics.getByRole("row").nth(1).textContent()) ?? "",
  );
  // Warned exactly when the candidate is significantly worse (5% level).
  await expect(against.getByTestId("worse-warning")).toHaveCount(shown.p < 0.05 && shown.b10 > shown.b01 ? 1 : 0);
  await expect(dialog.getByRole("img")).toHaveCount(0);

  // A modal: Tab never reaches the page behind it (past its last control focus may leave for the browser's own
  // controls, then comes back into it), and Escape closes it and gives focus back to the button that opened it.
  const where: string[] = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    where.push(
      await page.evaluate(() => (document.activeElement?.closest("dialog") ? "dialog" : document.activeElement === document.body ? "browser" : "page")),
    );
  }
  expect(where).not.toContain("page");
  expect(where.filter((w) => w === "dialog").length).toBeGreaterThanOrEqual(4);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(promote).toBeFocused();

  // Cancelling promotes nothing.
  await promote.click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  // Cancel, like Escape, gives focus back to the button that opened the dialog.
  await expect(promote).toBeFocused();
  await expect(page.getByTestId("active-version")).toHaveText(`Active: version ${active.number} (${active.name})`);
  expect((await activeVersion()).id).toBe(active.id);
});

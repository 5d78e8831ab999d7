import { spawn, spawnSync, type ChildProcess } from "node:child_process";

import { expect, test, type Page } from "@playwright/test";

import { APP_ENV, REPO_ROOT } from "./e2e-env.ts";
import { state } from "./e2e-helpers.ts";

let worker: ChildProcess | null = null;
let workerLog = "";
/** The snapshot the CLI froze, or the one already holding the same content (another spec may have frozen it). */
let snapshotName = "";

test.beforeAll(() => {
  // A dataset snapshot of the imported demo sample, frozen by the CLI (curators use their own UI).
  const made = spawnSync(
    process.execPath,
    ["--import", "tsx", "apps/cli/src/main.ts", "snapshot", "create", "--name", "demo-snapshot", "--as", state().admin.email],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...APP_ENV },
      encoding: "utf8",
    },
  );
  if (made.status !== 0) throw new Error(`Could not create the snapshot:\n${made.stdout}\n${made.stderr}`);
  const frozen = /^(?:Froze|Already frozen as) snapshot [0-9a-f-]{36} "([^"]+)"/m.exec(made.stdout);
  if (!frozen) throw new Error(`Unexpected output of mien snapshot create:\n${made.stdout}`);
  snapshotName = frozen[1]!;
  // The real trainer worker, on the same database, storage and queue prefix as the web server.
  worker = spawn(process.execPath, ["--import", "tsx", "apps/trainer/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...APP_ENV },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker.stdout!.on("data", (d: Buffer) => (workerLog += d.toString()));
  worker.stderr!.on("data", (d: Buffer) => (workerLog += d.toString()));
});

test.afterAll(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.error(`trainer worker log:\n${workerLog}`);
  worker?.kill("SIGTERM");
});

async function signIn(page: Page) {
  const { admin } = state();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Password hashing is slow on a loaded 2-core machine.
  await expect(page).toHaveURL(/\/$/, { timeout: 30_000 });
}

/** The admin's Training page, from the main navigation. */
async function openTraining(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Training" }).click();
  await expect(page.getByRole("heading", { name: "Training", level: 1 })).toBeVisible();
}

/** Starts a job from the form and waits on its page until it completes, checking the live progress on the way. */
async function trainFromUi(page: Page, name: string, epochs: number) {
  await openTraining(page);
  await page.getByLabel("Model name").fill(name);
  await expect(page.getByLabel("Dataset snapshot")).toContainText(snapshotName);
  await expect(page.getByRole("checkbox", { name: /^happiness/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /^faceapi-expression\b/ }).first()).toBeChecked();
  await page.getByLabel("Epochs", { exact: true }).fill(String(epochs));
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/admin\/training\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();

  const bar = page.locator("progress#job-progress");
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const text = (await bar.getAttribute("aria-valuetext")) ?? "";
        seen.add(text.replace(/^\d+%: /, ""));
        return page.getByTestId("job-status").textContent();
      },
      { timeout: 200_000, intervals: [250] },
    )
    .toBe("completed");
  // The bar moved through the work stages before it finished.
  expect([...seen].some((s) => /Embedding images|Training the head|Evaluating/.test(s))).toBe(true);
  await expect(bar).toHaveAttribute("value", "100");
  // A finished job says how long it took, from the worker's start to its end.
  await expect(page.locator(".job-head .hint")).toContainText(/ · took \d+(\.\d)? s$| · took \d+ min \d+ s$/);
  await expect(page.getByRole("figure", { name: "Loss" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Accuracy" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Loss" }).getByRole("table")).toContainText(`${epochs}`);
}

/** Follows the finished job's link to the version it published, and returns that version's number. */
async function seePublishedVersion(page: Page): Promise<number> {
  const link = page.getByRole("link", { name: /^See version \d+$/ });
  const number = Number(/\d+$/.exec((await link.textContent()) ?? "")?.[0]);
  await link.click();
  // The link (/admin/models?version=<n>) opens that version's details, not the active one's.
  await expect(page.getByRole("heading", { name: new RegExp(`^Version ${number}: `), level: 2 })).toBeInViewport();
  return number;
}

async function activeVersion(page: Page): Promise<number | null> {
  const res = await page.request.get("/api/models/active");
  if (res.status() === 404) return null;
  expect(res.headers()["cache-control"]).toBe("no-store");
  return ((await res.json()) as { version: number }).version;
}

test("an admin trains on the demo snapshot from the UI, watches it, promotes the version and rolls back", async ({ page }) => {
  test.setTimeout(480_000);
  await signIn(page);
  // Global setup ran `mien bootstrap`, which registers the committed default model as version 1.
  expect(await activeVersion(page)).toBe(1);

  // Other specs may have registered versions (evaluation.spec.ts registers models/fer7-ensemble), so numbers are read, not assumed.
  await trainFromUi(page, "demo-first", 3);
  const first = await seePublishedVersion(page);
  expect(first).toBeGreaterThan(1);
  await expect(page.getByRole("heading", { name: "Models", level: 1 })).toBeVisible();
  await expect(page.getByTestId("active-version")).toHaveText(/^Active: version 1 /);
  await page.getByRole("button", { name: `Promote version ${first} to active` }).click();
  // The promote dialog asks to confirm (it also compares with the active version on any pinned set).
  await page
    .getByRole("dialog", { name: new RegExp(`^Promote version ${first} `) })
    .getByRole("button", { name: `Promote version ${first}`, exact: true })
    .click();
  await expect(page.getByTestId("active-version")).toHaveText(`Active: version ${first} (demo-first)`);
  expect(await activeVersion(page)).toBe(first);

  // The version's files are served by content hash, immutable; nothing else is.
  const active = (await (await page.request.get("/api/models/active")).json()) as { baseUrl: string; contentHash: string };
  const manifest = await page.request.get(`${active.baseUrl}manifest.json`);
  expect(manifest.status()).toBe(200);
  expect(manifest.headers()["cache-control"]).toContain("immutable");
  expect(((await manifest.json()) as { metrics: { val: { n: number } } }).metrics.val.n).toBeGreaterThan(0);
  expect((await page.request.get(`${active.baseUrl}..%2F..%2Fsnapshots`)).status()).toBe(404);
  expect((await page.request.get(`/api/models/${"0".repeat(64)}/manifest.json`)).status()).toBe(404);

  // The details: confusion matrix, reliability diagram, the model card.
  await expect(page.getByRole("table", { name: /Confusion matrix on val/ })).toBeVisible();
  await expect(page.getByRole("figure", { name: /Reliability on val/ })).toBeVisible();
  await page.getByText("Model card", { exact: true }).click();
  await expect(page.locator(".card-text")).toBeVisible();
  await expect(page.locator(".card-text")).toContainText("For **self-practice only**");

  await trainFromUi(page, "demo-second", 2);
  const second = await seePublishedVersion(page);
  expect(second).toBe(first + 1);
  await page.getByRole("button", { name: `Promote version ${second} to active` }).click();
  await page
    .getByRole("dialog", { name: new RegExp(`^Promote version ${second} `) })
    .getByRole("button", { name: `Promote version ${second}`, exact: true })
    .click();
  await expect(page.getByTestId("active-version")).toHaveText(`Active: version ${second} (demo-second)`);
  expect(await activeVersion(page)).toBe(second);

  // Rolling back asks first, naming what it undoes; Cancel changes nothing.
  await page.getByRole("button", { name: `Roll back to version ${first}` }).click();
  const rollback = page.getByRole("dialog", { name: `Roll back to version ${first} (demo-first)?` });
  await expect(rollback).toContainText(`Version ${second} (demo-second) stops being the active model`);
  await rollback.getByRole("button", { name: "Cancel" }).click();
  await expect(rollback).toHaveCount(0);
  expect(await activeVersion(page)).toBe(second);
  await page.getByRole("button", { name: `Roll back to version ${first}` }).click();
  await rollback.getByRole("button", { name: `Roll back to version ${first}` }).click();
  await expect(page.getByTestId("active-version")).toHaveText(`Active: version ${first} (demo-first)`);
  await expect(page.getByRole("status").filter({ hasText: "Rolled back" })).toHaveText(`Rolled back: version ${first} is active again.`);
  expect(await activeVersion(page)).toBe(first);

  // A second roll back keeps going back, to the default model; the coach specs run on it.
  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  await page
    .getByRole("dialog", { name: /^Roll back to version 1 / })
    .getByRole("button", { name: "Roll back to version 1" })
    .click();
  await expect(page.getByTestId("active-version")).toHaveText(/^Active: version 1 /);
  expect(await activeVersion(page)).toBe(1);
});

test("the form offers distillation for a scratch CNN only: registered versions as teachers, and their share", async ({ page }) => {
  await signIn(page);
  await openTraining(page);
  const teacher = page.getByLabel("Learn from a trained model (distillation)");
  await expect(teacher).toHaveCount(0);
  const scratch = page.getByRole("radio", { name: /^CNN from scratch/ });
  await scratch.check();
  // Version 1 is the committed default (bootstrap registers it).
  await expect(teacher.locator("option", { hasText: /^v1 · fer7-faceapi-mlp · 59\.\d% val$/ })).toHaveCount(1);
  await expect(page.getByLabel("Teacher's share of each target")).toHaveCount(0);
  await teacher.selectOption("v1");
  await expect(page.getByLabel("Teacher's share of each target")).toHaveValue("0.5");
  // Leaving scratch drops the teacher (no other mode can use one), so the job stays runnable.
  await page.getByRole("radio", { name: /^Head on frozen backbones/ }).check();
  await expect(teacher).toHaveCount(0);
  await scratch.check();
  await expect(teacher).toHaveValue("");
});

test("the form offers weight averaging for conv modes only, off until a decay is given", async ({ page }) => {
  await signIn(page);
  await openTraining(page);
  const averaging = page.getByLabel("Weight averaging (decay per step)");
  await expect(averaging).toHaveCount(0);
  const scratch = page.getByRole("radio", { name: /^CNN from scratch/ });
  await scratch.check();
  await expect(averaging).toHaveValue("");
  await expect(averaging).toHaveAttribute("placeholder", "off");
  await averaging.fill("0.999");
  await expect(averaging).toHaveValue("0.999");
  // Fine-tuning keeps it (it trains convolutions too); a head drops it, so the job stays runnable.
  await page.getByRole("radio", { name: /^Fine-tune a face backbone/ }).check();
  await expect(averaging).toHaveValue("0.999");
  await page.getByRole("radio", { name: /^Head on frozen backbones/ }).check();
  await expect(averaging).toHaveCount(0);
  await scratch.check();
  await expect(averaging).toHaveValue("");
});

test("the form offers networks trained together for a scratch CNN only, with the others' share", async ({ page }) => {
  await signIn(page);
  await openTraining(page);
  const together = page.getByLabel("Networks trained together");
  await expect(together).toHaveCount(0);
  const scratch = page.getByRole("radio", { name: /^CNN from scratch/ });
  await scratch.check();
  await expect(together).toHaveValue("1");
  const share = page.getByLabel("The others' share of each target");
  await expect(share).toHaveCount(0);
  await together.fill("2");
  await expect(share).toHaveValue("0.5");
  await share.fill("0.3");
  await expect(share).toHaveValue("0.3");
  const alone = page.getByLabel("Epochs alone first");
  await expect(alone).toHaveValue("0");
  await alone.fill("6");
  await expect(alone).toHaveValue("6");
  const skip = page.getByLabel("Share of each batch to skip");
  await expect(skip).toHaveValue("0");
  await skip.fill("0.6");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(skip).toHaveAccessibleDescription(/^Share of each batch to skip must be at most 0\.5\. Co-teaching, for noisy labels/);
  await skip.fill("0.15");
  await expect(skip).not.toHaveAttribute("aria-invalid");
  // Leaving scratch drops the cohort (no other mode can train one), so the job stays runnable.
  await page.getByRole("radio", { name: /^Head on frozen backbones/ }).check();
  await expect(together).toHaveCount(0);
  await scratch.check();
  await expect(together).toHaveValue("1");
  await expect(share).toHaveCount(0);
});

test("the form offers smaller faces first for a scratch CNN only, growing over two thirds of the run unless told", async ({ page }) => {
  await signIn(page);
  await openTraining(page);
  const start = page.getByLabel("Starting face size (px)");
  await expect(start).toHaveCount(0);
  const scratch = page.getByRole("radio", { name: /^CNN from scratch/ });
  await scratch.check();
  await expect(start).toHaveValue("48");
  const grow = page.getByLabel("Epochs to grow to full size");
  await expect(grow).toHaveCount(0);
  await start.fill("30");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(start).toHaveAccessibleDescription(/^Starting face size must be a multiple of 4\. 48: every epoch sees full-size faces/);
  await expect(start).toBeFocused();
  // Past the largest start the message names the full size, which the box offers as "no resizing".
  await start.fill("52");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(start).toHaveAccessibleDescription(/^Starting face size must be at most 44; full-size faces \(48 px\) throughout need no resizing\./);
  // The hint's cost figure comes from the estimate's own model of an epoch at 32 px.
  await expect(start).toHaveAccessibleDescription(/an epoch at 32 px about 56% of one at 48/);
  await start.fill("32");
  await expect(start).not.toHaveAttribute("aria-invalid");
  // The scratch schedule's 30 epochs: the faces grow over 20 of them.
  await expect(grow).toHaveValue("20");
  await grow.fill("30");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Not started" })).toHaveText(
    "Not started: Growing the faces over 30 epochs leaves none of the 30 at full size; grow over fewer epochs.",
  );
  await grow.fill("12");
  await start.fill("48");
  await expect(grow).toHaveCount(0);
  await start.fill("28");
  await expect(grow).toHaveValue("20");
  // Leaving scratch drops it, so the job stays runnable.
  await page.getByRole("radio", { name: /^Head on frozen backbones/ }).check();
  await expect(start).toHaveCount(0);
  await scratch.check();
  await expect(start).toHaveValue("48");
});

test("a refused config marks its fields in words and starts nothing: an emptied box needs a number, not 0", async ({ page }) => {
  await signIn(page);
  await openTraining(page);
  const jobTable = page.getByRole("table", { name: "Training jobs" });
  const jobsLoaded = () => expect(jobTable.or(page.getByText("No training jobs yet."))).toBeVisible();
  await jobsLoaded();
  const jobsBefore = await jobTable.getByRole("row").count();
  const epochs = page.getByLabel("Epochs", { exact: true });
  const batch = page.getByLabel("Batch size");
  await epochs.fill("");
  await batch.fill("4");
  await page.getByRole("button", { name: "Start training" }).click();
  // Focus goes to the first marked field; each says what is wrong beside it, and the summary lists both.
  await expect(epochs).toBeFocused();
  await expect(epochs).toHaveAttribute("aria-invalid", "true");
  await expect(epochs).toHaveAccessibleDescription("Epochs needs a number.");
  await expect(batch).toHaveAttribute("aria-invalid", "true");
  await expect(batch).toHaveAccessibleDescription("Batch size must be at least 8.");
  await expect(page.getByRole("status").filter({ hasText: "Not started" })).toHaveText("Not started: Epochs needs a number. Batch size must be at least 8.");
  expect(page.url()).toMatch(/\/admin\/training$/);
  // A mark goes as soon as its field is fixed.
  await epochs.fill("3");
  await expect(epochs).not.toHaveAttribute("aria-invalid");
  await expect(page.getByRole("status").filter({ hasText: "Not started" })).toHaveText("Not started: Batch size must be at least 8.");
  // Boxes outside a labelled field get their message too, and a cohort size out of range stays to be named.
  await batch.fill("128");
  await page.getByLabel("Patience in epochs").fill("");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByLabel("Patience in epochs")).toHaveAccessibleDescription("Patience needs a number.");
  await page.getByLabel("Patience in epochs").fill("4");
  await page.getByRole("radio", { name: /^CNN from scratch/ }).check();
  await page.getByLabel("Networks trained together").fill("5");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByLabel("Networks trained together")).toHaveValue("5");
  await expect(page.getByLabel("Networks trained together")).toHaveAccessibleDescription(/^Networks trained together must be at most 4\. /);
  // Fewer than two classes: the classes' group is marked and focused, its message under it.
  const classes = page.getByRole("group", { name: "Classes" });
  const ticked = classes.getByRole("checkbox", { checked: true });
  while ((await ticked.count()) > 1) await ticked.first().uncheck();
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(classes).toBeFocused();
  await expect(classes).toHaveAttribute("aria-invalid", "true");
  await expect(classes).toHaveAccessibleDescription("Pick at least two classes.");
  for (const box of await classes.getByRole("checkbox", { disabled: false }).all()) await box.check();
  await expect(classes).not.toHaveAttribute("aria-invalid");
  // A config every field accepts but no trainer can run is named before it is sent, as the server would.
  await page.getByLabel("Networks trained together").fill("2");
  await page.getByLabel("Epochs", { exact: true }).fill("6");
  await page.getByLabel("Epochs alone first").fill("6");
  await page.getByRole("button", { name: "Start training" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Not started" })).toHaveText(
    "Not started: A burn-in of 6 epochs leaves none of the 6 for the networks to learn from each other; shorten it.",
  );
  // Nothing was queued.
  await page.reload();
  await jobsLoaded();
  expect(await jobTable.getByRole("row").count()).toBe(jobsBefore);
});

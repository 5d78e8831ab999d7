import { expect, test, type BrowserContext, type Page, type Request } from "@playwright/test";

import { query, signUpNewUser, startCoach, verdictOf, webcamLaunch } from "./coach-helpers.ts";

// The smiling-then-surprised face video as the webcam.
test.use({ launchOptions: webcamLaunch("expressions") });

/** Waits until the coach is installed for offline use: its service worker runs and the page is kept. */
async function waitUntilInstalled(page: Page): Promise<void> {
  await expect(page.getByTestId("coach-model")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("coach-offline-ready")).toBeVisible({ timeout: 60_000 });
}

/**
 * Records the network while the browser is offline: what failed, and what the service worker
 * itself fetched. (Playwright does not say which of a Web Worker's requests the service worker
 * answered, so the test asks the workers directly whether they can reach the server.)
 */
function networkWatch(context: BrowserContext) {
  const failed: string[] = [];
  const fetchedBySw: string[] = [];
  const answeredBySw: string[] = [];
  const pending: Array<Promise<void>> = [];
  const describe = (r: Request) => `${r.method()} ${new URL(r.url()).pathname}`;
  // The service worker's own failures are expected: it tries the network before its copy of the page.
  const onFailed = (r: Request) => void (r.serviceWorker() ? null : failed.push(describe(r)));
  const onFinished = (r: Request) =>
    pending.push(
      r.response().then((res) => {
        if (r.serviceWorker()) fetchedBySw.push(describe(r));
        else if (res?.fromServiceWorker()) answeredBySw.push(describe(r));
      }),
    );
  context.on("requestfailed", onFailed);
  context.on("requestfinished", onFinished);
  return {
    async stop() {
      context.off("requestfailed", onFailed);
      context.off("requestfinished", onFinished);
      await Promise.all(pending);
      return { failed, fetchedBySw, answeredBySw };
    },
  };
}

/** Run in a page or worker: whether a request that nothing keeps offline gets through. */
const probe = () =>
  fetch("/api/health", { cache: "no-store" }).then(
    () => "reached the server",
    () => "failed",
  );

/** PNG width and height, from the IHDR chunk. */
const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

test("the coach installs (service worker, manifest, icons), then reloads offline and still reads the webcam face with the last good model", async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await page.goto("/coach");
  await waitUntilInstalled(page);
  // The registry's active version (global setup promotes the committed default as version 1) runs online.
  await expect(page.getByTestId("coach-model")).toContainText("(version 1)");

  // Installed: an active service worker controls the coach page.
  const worker = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration("/coach");
    return {
      state: registration?.active?.state,
      scope: registration?.scope,
      script: registration?.active?.scriptURL,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
  expect(worker).toMatchObject({ state: "activated", controlled: true });
  expect(new URL(worker.scope!).pathname).toBe("/coach");
  expect(new URL(worker.script!).pathname).toBe("/serwist/sw.js");

  // The page links a manifest that Chromium parses without errors, with the icons an install needs.
  const link = page.locator('link[rel="manifest"]');
  await expect(link).toHaveAttribute("href", "/coach/manifest.webmanifest");
  const cdp = await context.newCDPSession(page);
  const parsed = await cdp.send("Page.getAppManifest");
  expect(new URL(parsed.url).pathname).toBe("/coach/manifest.webmanifest");
  expect(parsed.errors).toEqual([]);
  const manifest = JSON.parse(parsed.data!) as {
    name: string;
    short_name: string;
    start_url: string;
    scope: string;
    display: string;
    icons: Array<{ src: string; sizes: string; type: string; purpose: string }>;
  };
  expect(manifest).toMatchObject({ name: "Mien coach", short_name: "Mien", start_url: "/coach", scope: "/coach", display: "standalone" });
  expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);
  for (const icon of manifest.icons) {
    const res = await page.request.get(icon.src);
    expect(res.status(), icon.src).toBe(200);
    expect(res.headers()["content-type"]).toBe("image/png");
    expect(pngSize(await res.body()).join("x"), icon.src).toBe(icon.sizes);
  }
  // Chromium's own install check finds nothing missing (a test browser's private profile aside).
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito")).toEqual([]);
  // Detached: with a CDP session of its own, the reloaded page read navigator.onLine as true under setOffline.
  await cdp.detach();

  // No network: the page, its code, the coach's worker, the detector, the wasm binaries and the model all come from the device.
  await context.setOffline(true);
  const watch = networkWatch(context);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Coach", level: 1 })).toBeVisible();
  await expect(page.getByTestId("coach-offline")).toContainText("You are offline.");
  await startCoach(page);
  await expect.poll(() => verdictOf(page), { timeout: 30_000 }).toMatch(/happiness|surprise/);
  // The registry could not be asked: the version this device ran last runs, with no error or fallback notice.
  await expect(page.getByTestId("coach-model")).toContainText("(version 1)");
  await expect(page.getByTestId("coach-notice")).toHaveCount(0);
  await expect(page.locator("main").getByRole("alert")).toHaveCount(0);

  // The network really is gone for the page, the coach's Web Worker and the service worker alike.
  // Its chunk list is in the URL's fragment, which the precache keeps (a query would be lost: see offline/sw.ts).
  const coachWorker = page.workers().find((w) => /\/turbopack-worker-[^/]+\.js#params=/.test(w.url()));
  expect(
    coachWorker,
    page
      .workers()
      .map((w) => w.url())
      .join(", "),
  ).toBeDefined();
  const serviceWorker = context.serviceWorkers().find((w) => new URL(w.url()).pathname === "/serwist/sw.js")!;
  expect([await page.evaluate(probe), await coachWorker!.evaluate(probe), await serviceWorker.evaluate(probe)]).toEqual(["failed", "failed", "failed"]);
  const { failed, fetchedBySw, answeredBySw } = await watch.stop();
  expect(fetchedBySw).toEqual([]);
  // What failed is what cannot work offline (the registry lookup, link prefetches, update checks), never what the coach needs.
  expect(failed).toContain("GET /api/models/active");
  expect(failed.filter((r) => /^GET \/(_next\/static|models|icons)\/|^GET \/api\/models\/[0-9a-f]{64}\/|^GET \/coach$/.test(r))).toEqual([]);
  expect(answeredBySw).toContain("GET /coach");
  await context.setOffline(false);
});

test("a practice attempt made offline waits on the device, survives a reload, and reaches the server exactly once, in order, when the network returns", async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  const email = await signUpNewUser(page, "offline");
  await waitUntilInstalled(page);
  await startCoach(page);
  await expect.poll(() => verdictOf(page), { timeout: 30_000 }).toMatch(/happiness|surprise/);
  const rows = () =>
    query<{ id: string }>(`SELECT a.id FROM practice_attempt a JOIN "user" u ON u.id = a."userId" WHERE u.email = $1 ORDER BY a."createdAt", a.id`, [email]);

  await context.setOffline(true);
  await expect(page.getByTestId("coach-offline")).toContainText("your scores wait here");
  await page.getByLabel("Hold for").selectOption("1000");
  await page.getByLabel("Expression to practise").selectOption("happiness");
  const waiting = page.getByTestId("coach-waiting");
  for (const n of [1, 2]) {
    await page.getByRole("button", { name: "Start practice" }).click();
    await expect(page.getByTestId("coach-practice-saved")).toHaveText(/Score kept on this device/, { timeout: 40_000 });
    await expect(waiting).toHaveAttribute("data-waiting", String(n));
  }
  await expect(waiting).toHaveText("2 scores waiting on this device.");
  expect(await rows()).toEqual([]);

  // Closing and opening the coach offline loses nothing.
  await page.reload();
  await expect(page.getByTestId("coach-offline")).toBeVisible();
  await expect(waiting).toHaveAttribute("data-waiting", "2");

  // Back online: the queue is sent, oldest first, once.
  const sends: Array<{ id: string; status: number }> = [];
  const bodies: string[] = [];
  context.on("requestfinished", (r) => {
    if (new URL(r.url()).pathname !== "/api/trpc/coach.saveAttempt") return;
    const text = r.postData() ?? "{}";
    bodies.push(text);
    const body = JSON.parse(text) as Record<string, { json: { attempt: { id: string } } }>;
    void r.response().then((res) => {
      for (const call of Object.values(body)) sends.push({ id: call.json.attempt.id, status: res?.status() ?? 0 });
    });
  });
  await context.setOffline(false);
  await expect(waiting).toHaveCount(0, { timeout: 30_000 });
  await expect.poll(async () => (await rows()).length, { timeout: 10_000 }).toBe(2);
  const stored = (await rows()).map((r) => r.id);
  expect(sends.filter((s) => s.status === 200).map((s) => s.id)).toEqual(stored);
  // A queued score is the same small JSON of numbers as one sent at once (coach.spec's privacy test).
  for (const text of bodies) {
    expect(text.length).toBeLessThan(1024);
    expect(text).not.toMatch(/data:image|base64|[A-Za-z0-9+/=]{120,}/);
  }

  // Nothing is sent again: not later, and not by the next visit.
  await page.reload();
  await expect(page.getByTestId("coach-model")).toBeVisible({ timeout: 60_000 });
  await page.waitForTimeout(2000);
  expect((await rows()).map((r) => r.id)).toEqual(stored);
  expect(sends.map((s) => s.id)).toEqual(stored);
  expect(
    await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open("mien-outbox");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction("entries").objectStore("entries").count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
    ),
  ).toBe(0);
});

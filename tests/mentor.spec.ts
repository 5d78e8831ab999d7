import { randomUUID } from "node:crypto";

import { expect, test, type Page, type Request, type Response } from "@playwright/test";

import { query } from "./e2e-helpers.ts";

// Mentoring end to end in Chromium: invitation, the mentor's view, a plan, revoking, and what the
// mentor's browser receives (scores only). The learner's scores are saved through the app's own API,
// as the coach saves them (the coach specs prove the camera side).
test.describe.configure({ timeout: 120_000 });

async function signUp(page: Page, prefix: string, name: string): Promise<string> {
  const email = `${prefix}-${Date.now()}@e2e.mien.test`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-good-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  return email;
}

/** One practice score, sent as the coach page sends it. */
async function saveScore(page: Page, target: string, score: number, minutesAgo: number): Promise<void> {
  const res = await page.request.post("/api/trpc/coach.saveAttempt", {
    data: {
      json: {
        session: { id: randomUUID(), modelKey: "mentor-spec", modelName: "Mentor spec" },
        attempt: {
          id: randomUUID(),
          madeAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
          target,
          score,
          succeeded: score >= 50,
          holdMs: 2000,
          durationMs: 5000,
          calibrated: true,
          readAs: [{ expression: target, probability: score / 100 }],
        },
      },
      meta: { values: { "attempt.madeAt": ["Date"] } },
    },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, into));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) (into.add(k), keysOf(v, into));
  return into;
}

test("a learner invites a mentor, the mentor sees the learner's progress and sets a plan, the learner revokes and the mentor's next request fails", async ({
  browser,
}, testInfo) => {
  const learnerContext = await browser.newContext();
  const mentorContext = await browser.newContext();
  const learner = await learnerContext.newPage();
  const mentor = await mentorContext.newPage();
  try {
    // The learner: an account with three practice scores.
    await learner.goto("/sign-up");
    const learnerEmail = await signUp(learner, "learner", "Lee Learner");
    await expect(learner).toHaveURL(/\/coach$/);
    await saveScore(learner, "happiness", 40, 3);
    await saveScore(learner, "happiness", 72, 2);
    await saveScore(learner, "surprise", 65, 1);
    const learnerId = (await query<{ id: string }>(`SELECT id FROM "user" WHERE email = $1`, [learnerEmail]))[0]!.id;

    await learner.getByRole("link", { name: "Sharing" }).click();
    await expect(learner.getByTestId("mentors-none")).toBeVisible();
    await learner.getByRole("button", { name: "Make an invitation" }).click();
    const link = await learner.getByTestId("invitation-link").inputValue();
    expect(link).toMatch(/\/mentor\/accept#([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    const code = link.split("#")[1]!;
    await expect(learner.getByTestId("invitation-code")).toHaveValue(code);

    // The mentor opens the link signed out, creates an account, and comes back to accept.
    const mentorRequests: Request[] = [];
    const mentorResponses: Response[] = [];
    mentorContext.on("request", (r) => mentorRequests.push(r));
    // The mentor API's answers, read as they arrive (a body is gone once its page navigates away).
    const mentorApiBodies: Promise<{ url: string; status: number; text: string }>[] = [];
    mentorContext.on("response", (r) => {
      mentorResponses.push(r);
      if (new URL(r.url()).pathname.startsWith("/api/trpc/mentoring."))
        mentorApiBodies.push(r.text().then((text) => ({ url: r.url(), status: r.status(), text })));
    });
    await mentor.goto(link);
    await expect(mentor.getByTestId("accept-signed-out")).toBeVisible();
    // The code leaves the address bar at once, and no later address of the round trip carries it.
    await expect(mentor).toHaveURL(/\/mentor\/accept$/);
    const addresses: string[] = [];
    mentor.on("framenavigated", (frame) => void (frame === mentor.mainFrame() && addresses.push(frame.url())));
    await mentor.getByTestId("accept-signed-out").getByRole("link", { name: "Create an account" }).click();
    const mentorEmail = await signUp(mentor, "mentor", "Dr Rivera");
    await expect(mentor).toHaveURL(/\/mentor\/accept$/);
    await expect(mentor.getByLabel("Invitation code")).toHaveValue(code);
    expect(addresses.some((a) => a.endsWith("/mentor/accept"))).toBe(true);
    expect(addresses.filter((a) => a.includes(code))).toEqual([]);
    await expect(mentor.getByLabel("Invitation code")).toHaveValue(code);
    await mentor.getByRole("button", { name: "Accept the invitation" }).click();
    await expect(mentor).toHaveURL(new RegExp(`/mentor/${learnerId}$`));

    // The mentor sees the learner's scores per expression (no plan yet), and sets one.
    await expect(mentor.getByRole("heading", { name: "Lee Learner's practice", level: 1 })).toBeVisible();
    const happiness = mentor.getByTestId("progress-happiness");
    await expect(happiness.locator("circle")).toHaveCount(2);
    expect(await happiness.locator("circle").evaluateAll((cs) => cs.map((c) => c.getAttribute("data-score")))).toEqual(["40", "72"]);
    await expect(mentor.getByTestId("progress-surprise").locator("circle")).toHaveAttribute("data-score", "65");
    await expect(mentor.getByTestId("figure-sessions")).toHaveText("3");
    await expect(mentor.getByTestId("plan-none")).toBeVisible();
    await mentor.getByRole("button", { name: "Set a plan" }).click();
    const editor = mentor.getByTestId("plan-editor");
    // Opening the editor takes its button away: focus goes to the editor's first choice.
    await expect(editor.getByLabel("Anger")).toBeFocused();
    const save = editor.getByRole("button", { name: "Save Lee Learner's plan" });
    // The editor offers every expression, and says which the coach's model cannot read yet: the
    // active version (the committed default, seven classes) has no contempt.
    const active = (await (await mentor.request.get("/api/models/active")).json()) as { classes: string[] };
    expect(active.classes).toHaveLength(7);
    expect(active.classes).not.toContain("contempt");
    const unreadNote = "Contempt: the model running now cannot read this expression yet. A plan can still name it; it waits until Mien runs one that does.";
    await expect(editor.getByTestId("plan-editor-unreadable")).toHaveText(unreadNote);
    await expect(editor.getByLabel("Contempt (cannot be read yet)")).toHaveAccessibleDescription(unreadNote);
    await expect(editor.getByLabel("Sadness", { exact: true })).not.toHaveAttribute("aria-describedby");
    // A plan of only such expressions can be saved, but the editor says nothing in it can be practised yet.
    const contempt = editor.getByLabel("Contempt (cannot be read yet)");
    await contempt.check();
    await expect(editor.getByTestId("plan-editor-waits")).toHaveText(
      "Nothing in this plan can be practised yet: it waits until Mien runs a model that reads contempt. Add an expression to practise now.",
    );
    await editor.getByLabel("Sadness", { exact: true }).check();
    await expect(editor.getByTestId("plan-editor-waits")).toHaveCount(0);
    await editor.getByLabel("Sadness", { exact: true }).uncheck();
    await contempt.uncheck();
    // Each problem is named in the page, and one about the choice goes once the choice changes.
    await save.click();
    await expect(editor.getByRole("alert")).toHaveText("Pick at least one expression to practise.");
    await editor.getByLabel("Happiness").check();
    await expect(editor.getByRole("alert")).toHaveCount(0);
    await editor.getByLabel("Surprise").check();
    await editor.getByLabel("Hold each for").selectOption("2000");
    await editor.getByLabel("Sessions a week").fill("25");
    await save.click();
    await expect(editor.getByRole("alert")).toHaveText("Sessions a week must be a whole number from 1 to 21.");
    await editor.getByLabel("Sessions a week").fill("4");
    await save.click();
    await expect(mentor.getByTestId("plan-description")).toHaveText("Happiness and surprise, held 2 s, 4 sessions a week.");
    // Saved, the editor goes and focus returns to its button.
    await expect(mentor.getByRole("button", { name: "Change the plan" })).toBeFocused();
    await expect(mentor.getByTestId("plan-sessions")).toContainText("3 of 4");
    await expect(mentor.getByTestId("plan-target-happiness")).toHaveAttribute("data-held-today", "true");
    await mentor.screenshot({ path: testInfo.outputPath("mentor-learner.png"), fullPage: true });

    // The mentor's list: the learner's plan next to their results.
    await mentor.getByRole("link", { name: "Mentoring" }).click();
    const card = mentor.getByTestId(`learner-${learnerEmail}`);
    await expect(card.getByTestId("learner-plan")).toHaveText("Happiness and surprise, held 2 s, 4 sessions a week.");
    await expect(card.getByTestId("learner-results").locator("tbody tr")).toHaveCount(2);
    await expect(card.getByTestId("learner-results").locator("tbody tr").first()).toContainText(/happiness\s*2\s*72\s*72/);

    // The learner sees the plan (set by the mentor) on the progress page and on the coach.
    await learner.goto("/coach/progress");
    await expect(learner.getByTestId("plan-description")).toHaveText("Happiness and surprise, held 2 s, 4 sessions a week.");
    await expect(learner.getByTestId("plan-status")).toContainText("Set by Dr Rivera");
    await expect(learner.getByTestId("plan-sessions")).toContainText("3 of 4");
    await learner.goto("/coach");
    const today = learner.getByTestId("todays-plan");
    await expect(today.getByTestId("today-happiness")).toHaveAttribute("data-held-today", "true");
    await expect(today.getByTestId("today-surprise")).toHaveAttribute("data-held-today", "true");

    // Who can see my practice, how often they looked, and revoking with one click.
    await learner.goto("/coach/sharing");
    const entry = learner.getByTestId(`mentor-${mentorEmail}`);
    await expect(entry).toContainText("Dr Rivera");
    await expect(entry).toContainText(/Looked \d+ times?/);
    await entry.getByRole("button", { name: "Revoke Dr Rivera's access" }).click();
    await expect(learner.getByTestId("mentors-none")).toBeVisible();
    await expect(learner.getByTestId("sharing-announcer")).toHaveText("Dr Rivera can no longer see your practice.");

    // The mentor's next request fails: the page says so, and the API answers 403.
    await mentor.goto(`/mentor/${learnerId}`);
    await expect(mentor.getByTestId("learner-refused")).toContainText("You can no longer see this person's practice");
    const api = await mentor.request.get(
      `/api/trpc/mentoring.progress?input=${encodeURIComponent(JSON.stringify({ json: { userId: learnerId, timeZone: "UTC" } }))}`,
    );
    expect(api.status()).toBe(403);
    await mentor.getByRole("link", { name: "Back to the people you mentor" }).click();
    await expect(mentor.getByTestId("learners-none")).toBeVisible();

    const audit = await query<{ action: string; email: string }>(
      `SELECT a.action, u.email FROM audit_log a JOIN "user" u ON u.id = a."actorId"
        WHERE u.email = ANY($1) AND a.action LIKE 'mentor.%' OR (a.action = 'plan.set' AND a."entityId" = $2) ORDER BY a.id`,
      [[learnerEmail, mentorEmail], learnerId],
    );
    const actions = audit.map((a) => `${a.email === learnerEmail ? "learner" : "mentor"} ${a.action}`);
    expect(actions[0]).toBe("learner mentor.invite");
    expect(actions[1]).toBe("mentor mentor.grant");
    expect(actions).toContain("mentor plan.set");
    expect(actions.filter((a) => a === "mentor mentor.view").length).toBeGreaterThanOrEqual(2);
    expect(actions.at(-1)).toBe("learner mentor.revoke");

    // What the mentor's browser sent and received: no images or frames, no probabilities, small bodies.
    for (const r of mentorRequests) {
      const path = new URL(r.url()).pathname;
      expect(path, r.url()).not.toMatch(/^\/(api\/images|models)\//);
      const body = r.postDataBuffer();
      if (body?.length) {
        expect(body.length, path).toBeLessThan(1024);
        expect(body.toString("utf8")).not.toMatch(/data:image|base64|[A-Za-z0-9+/=]{120,}/);
      }
    }
    for (const r of mentorResponses) {
      // Mien's own app icon, the same file for everyone, is the one picture a page loads.
      if (/^\/icons\/[\w-]+\.png$/.test(new URL(r.url()).pathname)) continue;
      expect(r.headers()["content-type"] ?? "", r.url()).not.toMatch(/^(image|video)\//);
    }
    const answers = await Promise.all(mentorApiBodies);
    // redeem, progress (twice), setPlan, learners, and the refused progress after the revoke.
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(answers.some((a) => a.status === 403)).toBe(true);
    for (const a of answers) {
      expect(a.text, a.url).not.toMatch(/data:image|[A-Za-z0-9+/=]{120,}/);
      const keys = keysOf(JSON.parse(a.text));
      expect(
        [...keys].filter((k) => /readAs|probabilit|image|frame|pixel/i.test(k)),
        a.url,
      ).toEqual([]);
    }
  } finally {
    await learnerContext.close();
    await mentorContext.close();
  }
});

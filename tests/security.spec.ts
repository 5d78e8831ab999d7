import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";

import { request as apiRequest, expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";

import { BASE_URL, REPO_ROOT, STATE_FILE, type Credentials, type E2EState } from "./e2e-env.ts";
import { query } from "./e2e-helpers.ts";

// Authorisation of every route handler, CSRF refusal of cross-site mutations and the API body limit,
// over real HTTP with real sessions. The tests share the signed-in contexts made in beforeAll.
test.describe.configure({ mode: "serial", timeout: 120_000 });

type Role = "anonymous" | "user" | "curator" | "admin";
const ROLES: Role[] = ["anonymous", "user", "curator", "admin"];

// Read once: the state file is shared by every e2e run in this working tree.
let cachedState: E2EState | undefined;
const state = (): E2EState => (cachedState ??= JSON.parse(readFileSync(STATE_FILE, "utf8")) as E2EState);
const EVIL = "http://evil.example";
/** What the app sends as Origin from its own pages. */
const SAME_ORIGIN = { origin: BASE_URL };
/** Must match MAX_API_BODY_BYTES in apps/web/src/request-guards/body-limit.ts. */
const MAX_API_BODY_BYTES = 1024 * 1024;

/** `/api/trpc/<path>` as the tRPC client sends a query: GET with superjson input. */
const trpcQueryUrl = (path: string, input?: unknown) =>
  `/api/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`;

/** A tRPC mutation over HTTP, as the app's own pages send it unless `headers` say otherwise. */
const mutate = (ctx: APIRequestContext, path: string, input: unknown, headers: Record<string, string> = SAME_ORIGIN) =>
  ctx.post(`/api/trpc/${path}`, { data: { json: input }, headers });

/** coach.saveAttempt's body as the app's tRPC client sends it: superjson, with the attempt's time as a Date. */
const saveAttempt = (ctx: APIRequestContext, input: { session: unknown; attempt: Record<string, unknown> }) =>
  ctx.post("/api/trpc/coach.saveAttempt", {
    data: {
      json: { ...input, attempt: { id: randomUUID(), madeAt: new Date().toISOString(), ...input.attempt } },
      meta: { values: { "attempt.madeAt": ["Date"] } },
    },
    headers: SAME_ORIGIN,
  });

async function trpcData<T>(res: APIResponse): Promise<T> {
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

interface TrpcError {
  message: string;
  data: { code: string; httpStatus: number; zodError: { fieldErrors: Record<string, string[]> } | null };
}
const trpcError = async (res: APIResponse) => ((await res.json()) as { error: { json: TrpcError } }).error.json;

/** A fresh request context (its own cookie jar) signed in through the real sign-in endpoint. */
async function signIn(who: Credentials): Promise<APIRequestContext> {
  const ctx = await apiRequest.newContext({ baseURL: BASE_URL });
  const res = await ctx.post("/api/auth/sign-in/email", { data: who, headers: SAME_ORIGIN });
  expect(res.status(), `sign-in of ${who.email}: ${await res.text()}`).toBe(200);
  return ctx;
}

/** Signs up a plain account through the real sign-up endpoint; returns its id. */
async function signUp(who: Credentials): Promise<string> {
  const ctx = await apiRequest.newContext({ baseURL: BASE_URL });
  try {
    const res = await ctx.post("/api/auth/sign-up/email", { data: { ...who, name: who.email.split("@")[0] }, headers: SAME_ORIGIN });
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { user: { id: string } }).user.id;
  } finally {
    await ctx.dispose();
  }
}

const as = {} as Record<Role, APIRequestContext>;
let otherUser: APIRequestContext;
const ids = { user: "", otherUser: "", curator: "", image: "", snapshot: "", modelHash: "", faceApiVersion: "" };
const stamp = Date.now();
const accounts = {
  user: { email: `security-user-${stamp}@e2e.mien.test`, password: "security-user-password" },
  otherUser: { email: `security-other-${stamp}@e2e.mien.test`, password: "security-other-password" },
  // A curator of this spec's own, so its decisions touch no other spec's curator.
  curator: { email: `security-curator-${stamp}@e2e.mien.test`, password: "security-curator-password" },
};

test.beforeAll(async () => {
  const { admin } = state();
  as.anonymous = await apiRequest.newContext({ baseURL: BASE_URL });
  as.admin = await signIn(admin);
  ids.user = await signUp(accounts.user);
  ids.otherUser = await signUp(accounts.otherUser);
  ids.curator = await signUp(accounts.curator);
  // Promoted the way an admin does it, through the API.
  await trpcData(await mutate(as.admin, "admin.users.setRole", { userId: ids.curator, role: "curator" }));
  as.user = await signIn(accounts.user);
  as.curator = await signIn(accounts.curator);
  otherUser = await signIn(accounts.otherUser);

  const [image] = await query<{ id: string }>(`SELECT id FROM image ORDER BY id LIMIT 1`);
  ids.image = image!.id;
  // Another spec may have frozen one already; otherwise the admin freezes the set now.
  const [snapshot] = await query<{ id: string }>(`SELECT id FROM dataset_snapshot ORDER BY "createdAt" DESC LIMIT 1`);
  ids.snapshot =
    snapshot?.id ?? (await trpcData<{ snapshot: { id: string } }>(await mutate(as.admin, "snapshots.create", { name: "Security spec" }))).snapshot.id;
  const active = (await (await as.anonymous.get("/api/models/active")).json()) as { contentHash: string };
  ids.modelHash = active.contentHash;
  // The version the web app serves under /models/face-api/<version>/.
  ids.faceApiVersion = (
    JSON.parse(readFileSync(join(REPO_ROOT, "apps/web/node_modules/@vladmandic/face-api/package.json"), "utf8")) as { version: string }
  ).version;
});

test.afterAll(async () => {
  await Promise.all([...Object.values(as), otherUser].map((ctx) => ctx?.dispose()));
});

interface RouteCase {
  /** The route handler (apps/web/src/app/<route>/route.ts). */
  route: string;
  url: () => string;
  expected: Record<Role, number>;
}

const PUBLIC = { anonymous: 200, user: 200, curator: 200, admin: 200 };
const SIGNED_IN = { anonymous: 401, user: 200, curator: 200, admin: 200 };
const CURATORS = { anonymous: 401, user: 403, curator: 200, admin: 200 };
const ADMINS = { anonymous: 401, user: 403, curator: 403, admin: 200 };

/** The policy: every route handler, with what each role gets. */
const POLICY: RouteCase[] = [
  // Better Auth answers everyone; who you are is checked below from the body.
  { route: "api/auth/[...all]", url: () => "/api/auth/get-session", expected: PUBLIC },
  { route: "api/images/[id]/thumb", url: () => `/api/images/${ids.image}/thumb`, expected: CURATORS },
  { route: "api/images/[id]/original", url: () => `/api/images/${ids.image}/original`, expected: CURATORS },
  // Exports hold the whole curated set: the handler declares admins only.
  { route: "api/snapshots/[id]/export", url: () => `/api/snapshots/${ids.snapshot}/export?format=csv`, expected: ADMINS },
  { route: "api/snapshots/[id]/export", url: () => `/api/snapshots/${ids.snapshot}/export?format=tar`, expected: ADMINS },
  // The coach runs for everyone, signed in or not; models hold no personal data.
  { route: "api/models/active", url: () => "/api/models/active", expected: PUBLIC },
  { route: "api/models/[hash]/[file]", url: () => `/api/models/${ids.modelHash}/manifest.json`, expected: PUBLIC },
  { route: "api/models/[hash]/[file]", url: () => `/api/models/${ids.modelHash}/card.md`, expected: PUBLIC },
  { route: "api/health", url: () => "/api/health", expected: PUBLIC },
  { route: "models/[pkg]/[version]/[file]", url: () => `/models/face-api/${ids.faceApiVersion}/face_expression_model-weights_manifest.json`, expected: PUBLIC },
  // tRPC: one procedure per declared role (the full procedure × role table is packages/api/src/roles.test.ts).
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("me"), expected: SIGNED_IN },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("coach.progress"), expected: SIGNED_IN },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("sharing.overview"), expected: SIGNED_IN },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("mentoring.learners", { timeZone: "UTC" }), expected: SIGNED_IN },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("review.page", { label: "happiness" }), expected: CURATORS },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("dataset.summary"), expected: CURATORS },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("review.agreement"), expected: ADMINS },
  { route: "api/trpc/[trpc]", url: () => trpcQueryUrl("snapshots.list"), expected: ADMINS },
];

test("every route handler answers each role as the policy table says", async ({}, testInfo) => {
  const handlers = new Set(POLICY.map((c) => c.route));
  expect([...handlers].sort(), "one row at least per route handler").toEqual(
    [
      "api/auth/[...all]",
      "api/health",
      "api/images/[id]/original",
      "api/images/[id]/thumb",
      "api/models/[hash]/[file]",
      "api/models/active",
      "api/snapshots/[id]/export",
      "api/trpc/[trpc]",
      "models/[pkg]/[version]/[file]",
    ].sort(),
  );

  const mismatches: string[] = [];
  let checked = 0;
  for (const c of POLICY) {
    for (const role of ROLES) {
      const res = await as[role].get(c.url(), { maxRedirects: 0 });
      checked++;
      if (res.status() !== c.expected[role]) mismatches.push(`${role} GET ${c.url()} (${c.route}): ${res.status()}, expected ${c.expected[role]}`);
      // A refusal says why, as JSON, and is never cached.
      if (res.status() === 401 || res.status() === 403) {
        expect(res.headers()["content-type"], c.url()).toContain("application/json");
        expect(res.headers()["cache-control"] ?? "no-store", c.url()).not.toMatch(/public|immutable/);
      }
    }
  }
  expect(mismatches, mismatches.join("\n")).toEqual([]);
  console.log(`security: ${checked} (route × role) cases checked over ${POLICY.length} requests × ${ROLES.length} roles, ${handlers.size} route handlers`);
  testInfo.annotations.push({ type: "cases", description: `${checked} (route × role) cases over ${handlers.size} route handlers` });

  // Each context really is who the table assumes.
  const session = async (role: Role) => ((await (await as[role].get("/api/auth/get-session")).json()) as { user: { role: string } } | null)?.user.role ?? null;
  expect(await Promise.all(ROLES.map(session))).toEqual([null, "user", "curator", "admin"]);
  const me = await trpcData<{ email: string; role: string }>(await as.curator.get(trpcQueryUrl("me")));
  expect(me).toMatchObject({ email: accounts.curator.email, role: "curator" });
});

test("a plain user can never fetch data-set images, not even by guessing their ETag", async () => {
  const images = await query<{ id: string; sha256: string }>(`SELECT DISTINCT ON (label) id, sha256 FROM image ORDER BY label, id`);
  expect(images.length).toBeGreaterThanOrEqual(7);
  for (const { id, sha256 } of images) {
    for (const variant of ["thumb", "original"] as const) {
      const res = await as.user.get(`/api/images/${id}/${variant}`, { headers: { "if-none-match": `"${sha256}-${variant}"` } });
      expect(res.status(), `${variant} of ${id}`).toBe(403);
      expect(res.headers()["content-type"]).toContain("application/json");
      expect(await res.json()).toEqual({ error: "Data-set images are for curators. Ask an admin for access." });
    }
  }
  // The tRPC procedures that list images refuse them too.
  expect((await as.user.get(trpcQueryUrl("review.page", { label: "happiness" }))).status()).toBe(403);
  expect((await as.user.get(trpcQueryUrl("review.history", { imageId: images[0]!.id }))).status()).toBe(403);
});

test("the tRPC endpoint refuses a curator procedure: 401 anonymous, 403 user, with what to do", async () => {
  const url = trpcQueryUrl("review.page", { label: "happiness" });
  const anonymous = await as.anonymous.get(url);
  expect(anonymous.status()).toBe(401);
  expect(await trpcError(anonymous)).toMatchObject({ message: "Sign in to continue.", data: { code: "UNAUTHORIZED" } });
  const user = await as.user.get(url);
  expect(user.status()).toBe(403);
  expect(await trpcError(user)).toMatchObject({
    message: "This needs the curator role; you are signed in as user. Ask an admin for access.",
    data: { code: "FORBIDDEN" },
  });
  // A curator mutation too, over POST from the app's own origin.
  const decide = { imageId: ids.image, decision: { kind: "accept" } };
  expect((await mutate(as.anonymous, "review.decide", decide)).status()).toBe(401);
  expect((await mutate(as.user, "review.decide", decide)).status()).toBe(403);
  expect(await query(`SELECT 1 FROM review_decision WHERE "curatorId" = ANY($1)`, [[ids.user]])).toEqual([]);
});

test("coach.progress over HTTP shows each user only their own attempts", async () => {
  const attempt = (target: string, score: number) => ({
    session: { id: randomUUID(), modelKey: "security-spec", modelName: "Security spec" },
    attempt: {
      target,
      score,
      succeeded: score >= 50,
      holdMs: 1000,
      durationMs: 4000,
      calibrated: true,
      readAs: [{ expression: target, probability: score / 100 }],
    },
  });
  await trpcData(await saveAttempt(as.user, attempt("happiness", 61)));
  await trpcData(await saveAttempt(otherUser, attempt("happiness", 97)));
  await trpcData(await saveAttempt(otherUser, attempt("surprise", 12)));

  type Progress = { expression: string; attempts: { id: string; score: number }[] }[];
  const attemptIds = async (userId: string) =>
    (await query<{ id: string }>(`SELECT id FROM practice_attempt WHERE "userId" = $1 ORDER BY id`, [userId])).map((r) => r.id);
  const shown = (p: Progress) => p.flatMap((e) => e.attempts.map((a) => a.id)).sort();

  const mine = await trpcData<Progress>(await as.user.get(trpcQueryUrl("coach.progress")));
  const theirs = await trpcData<Progress>(await otherUser.get(trpcQueryUrl("coach.progress")));
  expect(mine.map((e) => [e.expression, e.attempts.map((a) => a.score)])).toEqual([["happiness", [61]]]);
  expect(shown(mine)).toEqual(await attemptIds(ids.user));
  expect(shown(theirs)).toEqual(await attemptIds(ids.otherUser));
  expect(shown(theirs)).toHaveLength(2);
  expect(shown(mine).filter((id) => shown(theirs).includes(id))).toEqual([]);
  // No input can ask for someone else's: the procedure takes none, and extra input is not a user id.
  const sneaky = await as.user.get(trpcQueryUrl("coach.progress", { userId: ids.otherUser }));
  if (sneaky.status() === 200) expect(shown(await trpcData<Progress>(sneaky))).toEqual(shown(mine));
  else expect(sneaky.status()).toBe(400);
});

test("a cross-site tRPC mutation is refused (403) and changes nothing; the same call from the app's origin succeeds", async () => {
  const decisions = () =>
    query<{ kind: string }>(`SELECT kind::text AS kind FROM review_decision WHERE "curatorId" = $1 AND "imageId" = $2`, [ids.curator, ids.image]);
  const audit = () => query<{ action: string }>(`SELECT action FROM audit_log WHERE "actorId" = $1 ORDER BY id`, [ids.curator]);
  const decide = { imageId: ids.image, decision: { kind: "accept" } };

  const forged: [string, Record<string, string>][] = [
    ["a foreign Origin", { origin: EVIL }],
    // Same site (cookies are SameSite=Lax, so they would be sent) but another origin.
    ["another port of the same host", { origin: BASE_URL.replace(/:\d+$/, ":9") }],
    ["an opaque Origin", { origin: "null" }],
    ["no Origin, Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["no Origin, Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site" }],
  ];
  for (const [what, headers] of forged) {
    const res = await mutate(as.curator, "review.decide", decide, { ...headers, "content-type": "application/json" });
    expect(res.status(), what).toBe(403);
    expect(res.headers()["content-type"], what).toContain("application/json");
    expect(((await res.json()) as { error: string }).error, what).toMatch(/may not change anything here\. Use Mien from its own address/);
  }
  // A mutation cannot ride on a GET (an <img> or a link) either.
  const overGet = await as.curator.get(`/api/trpc/review.decide?input=${encodeURIComponent(JSON.stringify({ json: decide }))}`, { headers: { origin: EVIL } });
  expect(overGet.status()).toBe(405);
  expect(await decisions()).toEqual([]);
  expect(await audit()).toEqual([]);

  const ok = await mutate(as.curator, "review.decide", decide, { ...SAME_ORIGIN, "sec-fetch-site": "same-origin" });
  expect((await trpcData<{ kind: string }>(ok)).kind).toBe("accept");
  expect(await decisions()).toEqual([{ kind: "accept" }]);
  expect((await audit()).length).toBe(1);
  // A client that is no browser (neither header) holds its cookie itself, so it is no forgery: allowed.
  const undo = await mutate(as.curator, "review.undo", { imageId: ids.image }, {});
  expect(undo.status(), await undo.text()).toBe(200);
  expect(await decisions()).toEqual([]);
});

test("Better Auth refuses a sign-in from a foreign Origin", async () => {
  const { curator } = state();
  const ctx = await apiRequest.newContext({ baseURL: BASE_URL });
  try {
    const res = await ctx.post("/api/auth/sign-in/email", { data: curator, headers: { origin: EVIL } });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("INVALID_ORIGIN");
    expect(res.headers()["set-cookie"] ?? "").not.toContain("session_token");
    expect(await (await ctx.get("/api/auth/get-session")).json()).toBeNull();
    // A signed-in session cannot be used cross-site on Better Auth's own mutations either.
    const signOut = await as.user.post("/api/auth/sign-out", { data: {}, headers: { origin: EVIL } });
    expect(signOut.status()).toBe(403);
    expect(((await (await as.user.get("/api/auth/get-session")).json()) as { user: { email: string } }).user.email).toBe(accounts.user.email);
  } finally {
    await ctx.dispose();
  }
});

test("input bounds: bodies over 1 MiB get 413 (by Content-Length or while streaming), oversized arrays and strings get BAD_REQUEST", async () => {
  // Declared too large: refused from Content-Length alone, so no byte of the body is sent (the
  // server answers and closes, and a client still writing would see EPIPE instead of the answer).
  const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${BASE_URL}/api/trpc/review.bulkFlag`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(MAX_API_BODY_BYTES + 1) },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.flushHeaders();
  });
  expect(declared.status, declared.body).toBe(413);
  expect((JSON.parse(declared.body) as { error: string }).error).toMatch(/larger than the API accepts \(1048576 bytes\)/);

  // Chunked, no Content-Length: refused once the stream passes the limit, without waiting for its
  // end. The client sends a little more than the limit and never ends the body; the server must
  // answer anyway. It answers 413 and closes; when bytes it has not read are still in flight, the
  // close is a reset that can reach the client before the answer, so a reset after the limit is the
  // same refusal seen from this side.
  const chunked = await new Promise<{ status: number | "reset"; body: string; sent: number }>((resolve, reject) => {
    const req = http.request(`${BASE_URL}/api/trpc/review.bulkFlag`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      if (answered || sent > MAX_API_BODY_BYTES + 4 * chunk.length) return;
      sent += chunk.length;
      if (req.write(chunk)) setImmediate(pump);
      else req.once("drain", pump);
    };
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, sent });
        req.destroy();
      });
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (answered) return;
      if ((err.code === "EPIPE" || err.code === "ECONNRESET") && sent > MAX_API_BODY_BYTES) resolve({ status: "reset", body: "", sent });
      else reject(err);
    });
    pump();
  });
  expect(chunked.sent).toBeGreaterThan(MAX_API_BODY_BYTES);
  if (chunked.status !== "reset") {
    expect(chunked.status, chunked.body).toBe(413);
    expect(chunked.body).toMatch(/larger than the API accepts/);
  }

  // A body under the limit reaches the schema: review.bulkFlag takes at most 500 images.
  const tooMany = Array.from({ length: 501 }, () => randomUUID());
  const bulk = await mutate(as.curator, "review.bulkFlag", { imageIds: tooMany, flags: ["unclear"] });
  expect(bulk.status()).toBe(400);
  const bulkError = await trpcError(bulk);
  expect(bulkError.data.code).toBe("BAD_REQUEST");
  expect(bulkError.data.zodError?.fieldErrors.imageIds?.join(" ")).toMatch(/500/);

  // A long string: coach model names are at most 200 characters, and nothing is stored.
  const before = await query<{ n: number }>(`SELECT count(*)::int AS n FROM practice_attempt WHERE "userId" = $1`, [ids.user]);
  const long = await saveAttempt(as.user, {
    session: { id: randomUUID(), modelKey: "security-spec", modelName: "x".repeat(100_000) },
    attempt: {
      target: "happiness",
      score: 50,
      succeeded: true,
      holdMs: 1000,
      durationMs: 4000,
      calibrated: true,
      readAs: [{ expression: "happiness", probability: 0.5 }],
    },
  });
  expect(long.status()).toBe(400);
  expect((await trpcError(long)).data.code).toBe("BAD_REQUEST");
  expect(await query(`SELECT count(*)::int AS n FROM practice_attempt WHERE "userId" = $1`, [ids.user])).toEqual(before);
});

test("the mentor relation over HTTP: only a live mentor reads a learner's scores, a revoke refuses the next request, bad codes are refused and guessing is limited", async () => {
  const mentorAccount = { email: `security-mentor-${stamp}@e2e.mien.test`, password: "security-mentor-password" };
  const guesserAccount = { email: `security-guesser-${stamp}@e2e.mien.test`, password: "security-guesser-password" };
  const mentorId = await signUp(mentorAccount);
  await signUp(guesserAccount);
  const mentor = await signIn(mentorAccount);
  const guesser = await signIn(guesserAccount);
  try {
    const invitation = await trpcData<{ id: string; code: string }>(await mutate(as.user, "sharing.invite", undefined));
    expect(invitation.code).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    // The learner cannot redeem their own invitation.
    const own = await mutate(as.user, "mentoring.redeem", { code: invitation.code });
    expect(own.status()).toBe(400);
    expect((await trpcError(own)).message).toMatch(/cannot be your own mentor/);
    await trpcData(await mutate(mentor, "mentoring.redeem", { code: invitation.code }));
    const used = await mutate(otherUser, "mentoring.redeem", { code: invitation.code });
    expect(used.status()).toBe(400);
    expect((await trpcError(used)).message).toMatch(/already used/);

    const expiring = await trpcData<{ id: string; code: string }>(await mutate(as.user, "sharing.invite", undefined));
    await query(`UPDATE mentor_invitation SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [expiring.id]);
    const expired = await mutate(otherUser, "mentoring.redeem", { code: expiring.code });
    expect(expired.status()).toBe(400);
    expect((await trpcError(expired)).message).toMatch(/expired on .+ Ask .+ for a new one/);

    // Who may read the learner's practice: the live mentor, and nobody else, whatever their role.
    const url = trpcQueryUrl("mentoring.progress", { userId: ids.user, timeZone: "UTC" });
    const expected: Array<[string, APIRequestContext, number]> = [
      ["anonymous", as.anonymous, 401],
      ["the learner", as.user, 403],
      ["another user", otherUser, 403],
      ["a curator", as.curator, 403],
      ["an admin", as.admin, 403],
      ["the mentor", mentor, 200],
    ];
    for (const [who, ctx, status] of expected) expect((await ctx.get(url)).status(), who).toBe(status);
    const seen = await trpcData<{ expressions: { attempts: Record<string, unknown>[] }[] }>(await mentor.get(url));
    const points = seen.expressions.flatMap((e) => e.attempts);
    expect(points.length).toBeGreaterThan(0);
    for (const p of points) expect(Object.keys(p).sort()).toEqual(["at", "id", "score", "succeeded"]);
    expect(await (await mentor.get(url)).text()).not.toMatch(/readAs|probability|data:image/);
    // An admin cannot use their role to set someone's plan either.
    expect((await mutate(as.admin, "mentoring.setPlan", { userId: ids.user, plan: null })).status()).toBe(403);

    await trpcData(await mutate(as.user, "sharing.revoke", { mentorId }));
    const after = await mentor.get(url);
    expect(after.status()).toBe(403);
    expect((await trpcError(after)).message).toMatch(/stopped sharing it with you/);
    expect((await mutate(mentor, "mentoring.setPlan", { userId: ids.user, plan: null })).status()).toBe(403);

    const audit = await query<{ action: string; actor: string }>(
      `SELECT a.action, a."actorId" AS actor FROM audit_log a JOIN mentor_grant g ON g.id::text = a."entityId" WHERE g."userId" = $1 AND g."mentorId" = $2 ORDER BY a.id`,
      [ids.user, mentorId],
    );
    // One view per successful read above (the table, the keys, the text); refused reads are not views.
    expect(audit.map((a) => a.action)).toEqual(["mentor.grant", "mentor.view", "mentor.view", "mentor.view", "mentor.revoke"]);
    expect(audit.at(-1)!.actor).toBe(ids.user);

    // Guessing codes: refused as unknown, then limited per account (10 tries in 10 minutes), even for a real code.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await mutate(guesser, "mentoring.redeem", { code: `ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZ${i}` })).status());
    expect(statuses).toEqual(Array(10).fill(404));
    const real = await trpcData<{ code: string }>(await mutate(otherUser, "sharing.invite", undefined));
    const limited = await mutate(guesser, "mentoring.redeem", { code: real.code });
    expect(limited.status()).toBe(429);
    expect((await trpcError(limited)).message).toMatch(/Too many invitation codes tried/);
  } finally {
    await Promise.all([mentor.dispose(), guesser.dispose()]);
  }
});

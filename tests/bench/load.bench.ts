/**
 * pnpm bench:load — N simulated curators against the production build of the web app on loopback.
 *
 *   pnpm bench:load [--curators 50] [--duration 30] [--amount 3000] [--images 3000]
 *
 * Sets up its own database (migrated, real fer2013 faces through `pnpm mien import`, curators
 * through `pnpm mien user add`), starts `next start` on a free port, signs every curator in through
 * Better Auth, then drives autocannon with one connection per curator: first the review page
 * (tRPC GET review.page with the filters curators use), then decisions (tRPC POST review.decide,
 * every request a different curator+image). Each scenario stops at --amount requests or after
 * --duration seconds, whichever comes first. Afterwards the database must hold exactly the
 * decisions that were acknowledged (2xx): none lost, none extra. Prints JSON; exits 1 if not.
 * --sabotage tampers with the database before that check, to show that the check fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import autocannon, { type Request as CannonRequest, type Result } from "autocannon";
import pg from "pg";

const { values } = parseArgs({
  options: {
    curators: { type: "string", default: "50" },
    /** Seconds per scenario (an upper bound: --amount usually ends it first). */
    duration: { type: "string", default: "30" },
    /** Requests per scenario (an upper bound: --duration may end it first). */
    amount: { type: "string", default: "3000" },
    images: { type: "string", default: "3000" },
    /** Checks the checker: before counting, drops one acknowledged decision and adds one nobody sent; the run must then fail. */
    sabotage: { type: "boolean", default: false },
  },
});
const CURATORS = positive("curators");
const DURATION_S = positive("duration");
const AMOUNT = positive("amount");
const IMAGES = positive("images");
if (AMOUNT < CURATORS) fail(`--amount (${AMOUNT}) must be at least --curators (${CURATORS}): each curator is one connection.`);
if (AMOUNT * 1.5 > CURATORS * IMAGES)
  fail(`--amount ${AMOUNT} is too many decisions for ${CURATORS} curators × ${IMAGES} images: a curator would decide an image twice.`);

function positive(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number ≥ 1, not ${JSON.stringify(values[name])}.`);
  return n;
}

function fail(message: string): never {
  console.error(`bench:load: ${message}`);
  process.exit(2);
}

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../..");
const WEB = join(REPO, "apps/web");
const FER = resolve(REPO, "../shared/data/fer2013/train");
const ADMIN_URL = process.env.MIEN_TEST_ADMIN_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
// fer2013 folder names, and the classes they import as.
const CLASSES: Record<string, string> = {
  angry: "anger",
  disgust: "disgust",
  fear: "fear",
  happy: "happiness",
  neutral: "neutral",
  sad: "sadness",
  surprise: "surprise",
};

const log = (message: string) => process.stderr.write(`bench:load: ${message}\n`);

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: string[], env: Record<string, string>, cwd = REPO): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolveRun(out) : reject(new Error(`\`${command} ${args.join(" ")}\` failed (exit ${code}):\n${out}`))));
  });
}

/** `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

/** A class-folder copy of `count` fer2013 training faces, taken round-robin over the classes. */
function sampleFaces(dir: string, count: number): void {
  const lists = Object.keys(CLASSES).map((folder) => ({ folder, files: readdirSync(join(FER, folder)).sort() }));
  for (let i = 0; i < count; i++) {
    const { folder, files } = lists[i % lists.length]!;
    const file = files[Math.floor(i / lists.length) % files.length]!;
    mkdirSync(join(dir, folder), { recursive: true });
    copyFileSync(join(FER, folder, file), join(dir, folder, file));
  }
}

interface Curator {
  email: string;
  password: string;
  id: string;
  cookie: string;
}

async function startWeb(env: Record<string, string>, port: number): Promise<ChildProcess> {
  // Own process group, so teardown stops next-server and nothing else.
  const child = spawn(join(WEB, "node_modules/.bin/next"), ["start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: WEB,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/sign-in`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`next start did not answer on port ${port} within 120 s:\n${stderr}`);
}

function stopWeb(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    process.kill(-child.pid!, "SIGTERM");
    setTimeout(() => {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    }, 10_000).unref();
  });
}

/** Signs a curator in through Better Auth over HTTP and returns the session cookie. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (!response.ok || !cookie) throw new Error(`Signing ${email} in failed: HTTP ${response.status} ${await response.text()}`);
  return cookie;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Number(sorted[i]!.toFixed(1));
}

/**
 * How a scenario ends at the time bound. autocannon's own stop drops the requests in flight, which
 * for writes would leave decisions whose outcome nobody heard; draining instead swaps every next
 * request for an uncounted GET /api/health until the counted ones in flight have their answers.
 */
interface Drain {
  draining: boolean;
  /** Counted requests sent and not yet answered. */
  pending: () => number;
  /** Set by onResponse just before autocannon reports that response's latency: whether it counts. */
  counted: boolean;
}

const HEALTH = { method: "GET" as const, path: "/api/health", headers: {}, body: undefined };

/** One autocannon run, one connection per curator, bounded by AMOUNT and DURATION_S. */
async function cannon(base: string, requests: CannonRequest[], drain: Drain) {
  const latencies: number[] = [];
  const started = Date.now();
  let ended = 0;
  let lastAnswer = started;
  const statuses: Record<number, number> = {};
  const timers: NodeJS.Timeout[] = [];
  const result = await new Promise<Result>((done, reject) => {
    const instance = autocannon({ url: base, connections: CURATORS, pipelining: 1, amount: AMOUNT, timeout: 30, requests }, (err, r) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : done(r),
    );
    instance.on("response", (_client, status, _bytes, responseTime) => {
      if (!drain.counted) return;
      latencies.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
      lastAnswer = Date.now();
    });
    // autocannon lets --amount override --duration; the time bound is kept here.
    timers.push(
      setTimeout(() => {
        ended = Date.now();
        drain.draining = true;
        const settle = Date.now() + 35_000; // past autocannon's 30 s timeout, after which an answer is not coming
        const poll = setInterval(() => {
          if (drain.pending() === 0 || Date.now() > settle) {
            clearInterval(poll);
            instance.stop();
          }
        }, 20);
        timers.push(poll);
      }, DURATION_S * 1000),
    );
  });
  for (const timer of timers) clearTimeout(timer);
  const seconds = (lastAnswer - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    result,
    summary: {
      curators: CURATORS,
      requests: latencies.length,
      seconds: Number(seconds.toFixed(1)),
      stoppedBy: ended ? "duration" : "amount",
      throughput_rps: Number((latencies.length / seconds).toFixed(1)),
      latency_ms: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
      // Socket errors and timeouts as autocannon counts them; status codes of the counted requests only.
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: Object.entries(statuses).reduce((n, [code, count]) => (Number(code) >= 200 && Number(code) < 300 ? n : n + count), 0),
      statusCodes: statuses,
    },
  };
}

/** What setupRequest leaves for onResponse: autocannon hands both the same context within one request (and a fresh one for the next). */
interface Ctx {
  inflight?: string;
}

const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));

/** The decision a curator makes on an image: fixed per pair, so the database can be checked against it. */
function decisionFor(curatorId: string, imageId: string, label: string) {
  const r = createHash("sha256").update(`${curatorId}|${imageId}`).digest()[0]! / 256;
  if (r < 0.7) return { kind: "accept" as const };
  if (r < 0.85) return { kind: "relabel" as const, label: label === "neutral" ? "sadness" : "neutral" };
  return { kind: "flag" as const, flags: [r < 0.95 ? "unclear" : "no_face"] };
}

async function main(): Promise<number> {
  const dbName = `mien_bench_load_${randomBytes(5).toString("hex")}`;
  const databaseUrl = withDatabase(ADMIN_URL, dbName);
  const work = mkdtempSync(join(tmpdir(), "mien-bench-load-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    MIEN_DATA_DIR: join(work, "data"),
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
    MIEN_BASE_URL: base,
    NODE_ENV: "production",
    // Every curator signs in from 127.0.0.1 within a few seconds; the limit itself is tested in packages/auth.
    MIEN_SIGN_IN_LIMIT: `${CURATORS * 4}/60`,
    MIEN_QUEUE_PREFIX: `mien-bench-load-${randomBytes(4).toString("hex")}`,
  };
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const db = new pg.Client({ connectionString: databaseUrl });
  let web: ChildProcess | null = null;
  try {
    const mien = (args: string[]) => run("pnpm", ["--silent", "mien", ...args], env);
    let t = performance.now();
    await mien(["migrate"]);
    const faces = join(work, "faces");
    sampleFaces(faces, IMAGES);
    await mien(["import", faces]);
    log(`imported ${IMAGES} fer2013 faces in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const accounts = Array.from({ length: CURATORS }, (_, i) => ({
      email: `curator${i + 1}@bench.mien.test`,
      password: randomBytes(12).toString("base64url"),
    }));
    // `--password=…` in one argument: a random password may start with "-".
    await eachLimited(accounts, 4, (a, i) =>
      mien(["user", "add", "--email", a.email, `--password=${a.password}`, "--role", "curator", "--name", `Bench curator ${i + 1}`]),
    );
    log(`added ${CURATORS} curators in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    await run("pnpm", ["exec", "turbo", "run", "build", "--filter=@mien/web", "--output-logs=errors-only"], {});
    web = await startWeb(env, port);
    log(`web app up on ${base} in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    await db.connect();
    const ids = new Map((await db.query<{ id: string; email: string }>(`SELECT id, email FROM "user"`)).rows.map((r) => [r.email, r.id]));
    const curators: Curator[] = await eachLimited(accounts, 5, async (a) => ({ ...a, id: ids.get(a.email)!, cookie: await signIn(base, a.email, a.password) }));
    log(`signed ${curators.length} curators in`);
    const images = (await db.query<{ id: string; label: string }>(`SELECT id::text, label FROM image ORDER BY id`)).rows;
    if (images.length < IMAGES * 0.95) throw new Error(`Only ${images.length} of ${IMAGES} images were imported.`);
    const labels = [...new Set(images.map((i) => i.label))].sort();
    // Connections that time out send a new request, so allow some slack before a curator would meet an image again.
    if (AMOUNT * 1.5 > CURATORS * images.length)
      throw new Error(`--amount ${AMOUNT} is too many decisions for ${CURATORS} curators × ${images.length} images.`);

    // Each curator's session works before the clock starts (and the route is loaded).
    await eachLimited(curators, 5, async (c) => {
      const r = await fetch(`${base}/api/trpc/review.page?input=${trpcInput({ label: labels[0] })}`, { headers: { cookie: c.cookie } });
      if (!r.ok) throw new Error(`review.page for ${c.email} answered HTTP ${r.status}: ${(await r.text()).slice(0, 300)}`);
    });

    // Scenario 1: the review page with the filters curators use; request i is curator i mod N's.
    const views = (label: string, i: number): Record<string, unknown> => {
      const cursor = { id: images[(i * 7919) % images.length]!.id, value: null };
      const all: Record<string, unknown>[] = [
        { label },
        { label, split: "train" },
        { label, notReviewedByMe: true },
        { label, cursor },
        { label, notReviewedByMe: true, cursor },
        { label, flag: "unclear" },
        { label, sort: "blurriest" },
        { label, disagreements: true },
      ];
      return all[i % all.length]!;
    };
    let pageRequest = 0;
    const pageDrain: Drain = { draining: false, pending: () => 0, counted: false };
    const page = await cannon(
      base,
      [
        {
          method: "GET",
          setupRequest: (req, context) => {
            const ctx = context as Ctx;
            ctx.inflight = pageDrain.draining ? undefined : "page";
            if (!ctx.inflight) return { ...req, ...HEALTH };
            const i = pageRequest++;
            const c = curators[i % CURATORS]!;
            return { ...req, path: `/api/trpc/review.page?input=${trpcInput(views(labels[i % labels.length]!, i))}`, headers: { cookie: c.cookie } };
          },
          onResponse: (_status, _body, context) => {
            pageDrain.counted = (context as Ctx).inflight !== undefined;
          },
        },
      ],
      pageDrain,
    );
    log(`review.page: ${JSON.stringify(page.summary)}`);

    // Scenario 2: decisions. Request i is curator i mod N's k-th decision (k = i div N), on the k-th image
    // from that curator's own offset: no curator decides an image twice, while curators do meet on the
    // same images (the consensus trigger's case).
    let decideRequest = 0;
    const acknowledged = new Map<string, string>(); // "curatorId|imageId" → decision JSON
    const answeredNon2xx = new Set<string>();
    const sent = new Set<string>();
    const decideDrain: Drain = { draining: false, pending: () => sent.size, counted: false };
    const offset = Math.max(1, Math.floor(images.length / CURATORS));
    const decisions = await cannon(
      base,
      [
        {
          method: "POST",
          setupRequest: (req, context) => {
            const ctx = context as Ctx;
            ctx.inflight = undefined;
            if (decideDrain.draining) return { ...req, ...HEALTH };
            const i = decideRequest++;
            const curator = i % CURATORS;
            const c = curators[curator]!;
            const image = images[(curator * offset + Math.floor(i / CURATORS)) % images.length]!;
            const decision = decisionFor(c.id, image.id, image.label);
            ctx.inflight = `${c.id}|${image.id}|${JSON.stringify(decision)}`;
            sent.add(ctx.inflight);
            return {
              ...req,
              path: "/api/trpc/review.decide",
              headers: { cookie: c.cookie, origin: base, "content-type": "application/json" },
              body: JSON.stringify({ json: { imageId: image.id, decision, expectedVersion: null } }),
            };
          },
          onResponse: (status, _body, context) => {
            const ctx = context as Ctx;
            decideDrain.counted = ctx.inflight !== undefined;
            if (!ctx.inflight) return;
            const [curatorId, imageId, decision] = ctx.inflight!.split("|") as [string, string, string];
            sent.delete(ctx.inflight!);
            if (status >= 200 && status < 300) acknowledged.set(`${curatorId}|${imageId}`, decision);
            else answeredNon2xx.add(`${curatorId}|${imageId}`);
          },
        },
      ],
      decideDrain,
    );
    // Stopped before counting, so no request still inside the app can commit behind the check's back.
    await stopWeb(web);
    web = null;

    if (values.sabotage) {
      const [curatorId, imageId] = [...acknowledged.keys()][0]!.split("|") as [string, string];
      await db.query(`DELETE FROM review_decision WHERE "curatorId" = $1 AND "imageId" = $2::uuid`, [curatorId, imageId]);
      await db.query(
        `INSERT INTO review_decision (id, "imageId", "curatorId", kind, flags, "updatedAt")
         SELECT gen_random_uuid(), i.id, $1, 'accept', '{}', now() FROM image i
          WHERE NOT EXISTS (SELECT 1 FROM review_decision d WHERE d."imageId" = i.id AND d."curatorId" = $1) LIMIT 1`,
        [curatorId],
      );
      log("sabotage: removed one acknowledged decision and added one nobody sent");
    }

    // The check: every acknowledged decision is in the database as sent, and nothing else is (one snapshot).
    await db.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const rows = (
      await db.query<{ curatorId: string; imageId: string; kind: string; label: string | null; flags: string }>(
        `SELECT "curatorId", "imageId"::text, kind::text, label, flags::text FROM review_decision`,
      )
    ).rows;
    const unanswered = new Set([...sent].map((s) => s.split("|").slice(0, 2).join("|")));
    const inDb = new Map(rows.map((r) => [`${r.curatorId}|${r.imageId}`, r]));
    let lost = 0;
    let wrongContent = 0;
    for (const [key, json] of acknowledged) {
      const row = inDb.get(key);
      if (!row) {
        lost++;
        continue;
      }
      const d = JSON.parse(json) as { kind: string; label?: string; flags?: string[] };
      const flags = row.flags.replace(/[{}]/g, "").split(",").filter(Boolean);
      const same = row.kind === d.kind && (row.label ?? undefined) === (d.kind === "relabel" ? d.label : undefined) && flags.join() === (d.flags ?? []).join();
      if (!same) wrongContent++;
    }
    const extra = [...inDb.keys()].filter((k) => !acknowledged.has(k));
    // A request cut off by the time bound (no answer) may or may not have committed; anything else extra is a phantom.
    const cutOffButStored = extra.filter((k) => unanswered.has(k)).length;
    const phantom = extra.length - cutOffButStored;
    const auditRows = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'review.decide'`)).rows[0]!.n);
    const consensus = (
      await db.query<{ bad: string }>(`
      SELECT count(*) AS bad FROM review_consensus k
       WHERE k.reviews <> (SELECT count(*) FROM review_decision d WHERE d."imageId" = k."imageId")`)
    ).rows[0]!.bad;
    await db.query("COMMIT");

    const decideSummary = {
      ...decisions.summary,
      acknowledged: acknowledged.size,
      rejected: answeredNon2xx.size,
      unansweredAtStop: unanswered.size,
      in_db: inDb.size,
      lost,
      phantom,
      storedFromUnanswered: cutOffButStored,
      wrongContent,
      auditRows,
      consensusMismatches: Number(consensus),
    };
    const ok = lost === 0 && phantom === 0 && wrongContent === 0 && auditRows === inDb.size && Number(consensus) === 0 && acknowledged.size > 0;
    console.log(
      JSON.stringify(
        {
          bench: "load",
          images: images.length,
          curators: CURATORS,
          bounds: { amount: AMOUNT, durationSeconds: DURATION_S },
          scenarios: { "review.page": page.summary, "review.decide": decideSummary },
          ok,
          machine: { cores: availableParallelism(), load1: Number(loadavg()[0]!.toFixed(1)) },
        },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  } finally {
    await stopWeb(web);
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e: unknown) => log(`could not drop ${dbName}: ${String(e)}`));
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);

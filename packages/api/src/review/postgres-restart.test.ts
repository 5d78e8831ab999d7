import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb, ensureReferenceData, type Db } from "@mien/db";
import { migrate } from "@mien/db/migrate";

import { callerAs, seedImages, seedUsers } from "../testing/index.ts";
import { TRPCError } from "../trpc.ts";
import type { Decision, DecisionState } from "./state.ts";

const run = promisify(execFile);
const PG_BIN = process.env.MIEN_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const CURATORS = ["r0", "r1", "r2", "r3"];
const IMAGES_PER_CURATOR = 500;
/** Decisions each curator must get acknowledged after the restart, to show the pool recovered. */
const AFTER_RESTART = 5;

/**
 * A private PostgreSQL cluster (initdb + pg_ctl as the `postgres` OS user), so this test may
 * restart it without touching the shared server other tests use.
 */
class PrivateCluster {
  readonly dir = mkdtempSync(join(tmpdir(), "mien-pg-restart-"));
  readonly data = join(this.dir, "data");
  port = 0;

  private asPostgres(bin: string, args: string[]) {
    // initdb and postgres refuse to run as root; as any other user the binaries run directly.
    const [cmd, argv] = userInfo().uid === 0 ? ["runuser", ["-u", "postgres", "--", join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];
    return run(cmd as string, argv as string[], { timeout: 120_000 });
  }

  async init(): Promise<void> {
    if (userInfo().uid === 0) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      chownSync(this.dir, Number(stdout.trim()), Number(gid.trim()));
    }
    this.port = await freePort();
    await this.asPostgres("initdb", ["-D", this.data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    await this.start();
  }

  private ctl(action: "start" | "stop" | "restart", mode = "fast") {
    const options = `-k ${this.dir} -p ${this.port} -c listen_addresses=127.0.0.1 -c fsync=off`;
    return this.asPostgres("pg_ctl", ["-D", this.data, "-l", join(this.dir, "server.log"), "-w", "-m", mode, "-o", options, action]);
  }

  start = () => this.ctl("start");
  restart = () => this.ctl("restart");

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async destroy(): Promise<void> {
    await this.ctl("stop", "immediate").catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The k-th decision a curator makes: all three kinds, so every column is checked. */
function decisionFor(k: number): Decision {
  switch (k % 3) {
    case 0:
      return { kind: "accept" };
    case 1:
      return { kind: "relabel", label: "fear" };
    default:
      return { kind: "flag", flags: ["unclear", "duplicate"] };
  }
}

interface Call {
  curatorId: string;
  imageId: string;
  decision: Decision;
  startedAt: number;
  result?: DecisionState;
  error?: unknown;
}

const cluster = new PrivateCluster();
let db: Db;
let images: string[] = [];

beforeAll(async () => {
  await cluster.init();
  const admin = createDb(cluster.url("postgres"), { max: 1 });
  await admin.$executeRawUnsafe(`CREATE DATABASE mien`);
  await admin.$disconnect();
  // The checked-in migrations, exactly as `pnpm mien migrate` applies them.
  await migrate(cluster.url("mien"));
  // One pool for every curator, as the web app has one per process.
  db = createDb(cluster.url("mien"), { max: 4 });
  await ensureReferenceData(db);
  await seedUsers(
    db,
    CURATORS.map((id) => [id, "curator"] as const),
  );
  // One more than the curators use: the last is decided after the restart.
  images = await seedImages(db, "neutral", "train", CURATORS.length * IMAGES_PER_CURATOR + 1, { tag: "pg-restart" });
}, 180_000);

afterAll(async () => {
  await db?.$disconnect();
  await cluster.destroy();
});

describe("PostgreSQL restarts while curators decide", () => {
  it("keeps every acknowledged decision exactly once, fails the others loudly, and recovers", { timeout: 120_000 }, async () => {
    const calls: Call[] = [];
    let restartedAt = Number.POSITIVE_INFINITY;
    let stop = false;

    const acked = (curatorId: string, after = 0) => calls.filter((c) => c.curatorId === curatorId && c.result && c.startedAt > after).length;

    /** One curator deciding image after image, each once, the way the review grid moves on. */
    const curator = async (curatorId: string, k: number) => {
      const caller = callerAs(db, curatorId);
      for (let i = 0; i < IMAGES_PER_CURATOR && !stop; i++) {
        const call: Call = { curatorId, imageId: images[k * IMAGES_PER_CURATOR + i]!, decision: decisionFor(i), startedAt: Date.now() };
        calls.push(call);
        try {
          call.result = await caller.review.decide({ imageId: call.imageId, decision: call.decision, expectedVersion: null });
        } catch (error) {
          call.error = error;
          // What a person does after "not saved": wait a moment before the next one.
          await sleep(25);
        }
      }
    };

    const restart = async () => {
      // Wait until every curator is mid-stream, then restart under them.
      while (!CURATORS.every((id) => acked(id) >= 3)) await sleep(20);
      await cluster.restart();
      restartedAt = Date.now();
      const deadline = Date.now() + 60_000;
      while (!CURATORS.every((id) => acked(id, restartedAt) >= AFTER_RESTART) && Date.now() < deadline) await sleep(50);
      stop = true;
    };

    await Promise.all([restart(), ...CURATORS.map((id, k) => curator(id, k))]);

    const ok = calls.filter((c) => c.result);
    const failed = calls.filter((c) => c.error !== undefined);
    const messages = [...new Set(failed.map((c) => (c.error as Error).message.split("\n").at(-1)))];
    console.info(`pg restart: ${calls.length} calls, ${ok.length} acknowledged, ${failed.length} failed; failures said:\n  ${messages.join("\n  ")}`);

    // The restart really hit calls in flight or arriving while it was down.
    expect(failed.length).toBeGreaterThan(0);
    // Every call either returned a decision or threw: nothing resolved without a result.
    expect(ok.length + failed.length).toBe(calls.length);
    for (const c of failed) {
      // A failure reaches the caller as a tRPC error with a message, never as a silent success.
      expect(c.error).toBeInstanceOf(TRPCError);
      expect((c.error as TRPCError).message.length).toBeGreaterThan(0);
    }
    // The pool recovered at once: every call that started after the restart was acknowledged (a dead
    // connection left in the pool would fail one), and every curator got several through.
    expect(calls.filter((c) => c.startedAt > restartedAt && !c.result).map((c) => (c.error as Error).message)).toEqual([]);
    for (const id of CURATORS) expect(acked(id, restartedAt), id).toBeGreaterThanOrEqual(AFTER_RESTART);

    // Each image was decided by at most one call, so the table must hold exactly one row per acknowledged call…
    const rows = await db.reviewDecision.findMany({
      select: { imageId: true, curatorId: true, kind: true, label: true, flags: true, suggestedLabel: true, version: true },
    });
    const audit = await db.auditLog.groupBy({ by: ["imageId"], where: { action: "review.decide" }, _count: { _all: true } });
    const auditCount = new Map(audit.map((a) => [a.imageId, a._count._all]));
    const byImage = new Map<string, (typeof rows)[number][]>();
    for (const r of rows) byImage.set(r.imageId, [...(byImage.get(r.imageId) ?? []), r]);
    for (const c of ok) {
      const found = byImage.get(c.imageId) ?? [];
      expect(found, `${c.curatorId} on ${c.imageId}`).toHaveLength(1);
      const { imageId: _, curatorId, ...state } = found[0]!;
      expect(curatorId).toBe(c.curatorId);
      // …with exactly the values the call acknowledged, and its one audit row.
      expect(state).toEqual(c.result);
      expect(auditCount.get(c.imageId)).toBe(1);
    }
    // A failed call may at most have committed before its answer was lost (then with its audit row);
    // it never leaves a half decision or a duplicate.
    let committedAnyway = 0;
    for (const c of failed) {
      const found = byImage.get(c.imageId) ?? [];
      expect(found.length).toBeLessThanOrEqual(1);
      expect(auditCount.get(c.imageId) ?? 0).toBe(found.length);
      committedAnyway += found.length;
    }
    console.info(`pg restart: ${committedAnyway} failed calls had committed before the connection dropped`);
    // And nothing else: no row for an image nobody's call touched.
    expect(rows.length).toBe(ok.length + committedAnyway);
    const consensus = await db.reviewConsensus.findMany({ where: { imageId: { in: ok.map((c) => c.imageId) } }, select: { reviews: true } });
    expect(consensus.map((s) => s.reviews)).toEqual(ok.map(() => 1));

    // After the restart the same client takes new decisions as usual.
    const next = images[images.length - 1]!;
    const fresh = await callerAs(db, "r0").review.decide({ imageId: next, decision: { kind: "accept" }, expectedVersion: null });
    expect(fresh).toMatchObject({ kind: "accept", version: 1 });
  });
});

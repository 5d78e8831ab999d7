// fake-indexeddb: a complete IndexedDB in JavaScript (Node has none), the same API the browser's outbox uses.
import "fake-indexeddb/auto";

import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createTRPCClient, httpLink } from "@trpc/client";
import { createStore, set } from "idb-keyval";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appRouter, createHTTPServer, type AppRouter, type SaveAttemptInput } from "@mien/api";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { indexedDbOutboxStore, Outbox, retryDelayMs, type OutboxStore } from "./outbox.ts";

/**
 * The outbox against the real API over real HTTP and PostgreSQL: "offline" is the server refusing
 * connections, and a lost answer is the server storing the score and then cutting the connection.
 */
let t: TestDatabase;
let server: Server;
let port = 0;
/** What the server does with the next requests. */
let mode: "up" | "lose-answers" = "up";
let requests: string[] = [];

async function listen(): Promise<void> {
  server = createHTTPServer({
    router: appRouter,
    createContext: ({ req }) => {
      const id = String(req.headers["x-user"] ?? "");
      return { db: t.db, headers: new Headers(), session: id ? { user: { id, email: `${id}@example.com`, name: id, role: "user" as const } } : null };
    },
    middleware: (req, res, next) => {
      requests.push(req.url ?? "");
      if (mode === "lose-answers") {
        // The procedure runs and commits; the answer never arrives.
        res.end = (() => (req.socket.destroy(), res)) as typeof res.end;
      }
      next();
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
}
const goOffline = () => new Promise<void>((resolve) => server.close(() => resolve()));

beforeAll(async () => {
  t = await createTestDatabase("mien_test_web_outbox");
  for (const id of ["ana", "ben"]) await t.db.user.create({ data: { id, email: `${id}@example.com`, name: id } });
  await listen();
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await t?.drop();
});

/** How the page sends: the tRPC client, signed in as `userId` (or signed out). */
function sender(userId: string | null) {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `http://127.0.0.1:${port}`, transformer: superjson, headers: () => (userId ? { "x-user": userId } : {}) })],
  });
  return (input: SaveAttemptInput) => client.coach.saveAttempt.mutate(input).then(() => undefined);
}

let n = 0;
/** A store of its own per test: a fresh IndexedDB database, as on a fresh device. */
function freshStore(): { store: OutboxStore; name: string } {
  const name = `outbox-test-${n++}`;
  const db = createStore(name, "entries");
  return { store: indexedDbOutboxStore(() => db), name };
}

function input(score: number, madeAt = new Date()): SaveAttemptInput {
  return {
    session: { id: randomUUID(), modelKey: "packaged:test", modelName: "test" },
    attempt: {
      id: randomUUID(),
      madeAt,
      target: "happiness",
      score,
      succeeded: score >= 50,
      holdMs: 2000,
      durationMs: 4000,
      calibrated: false,
      readAs: [{ expression: "happiness", probability: score / 100 }],
    },
  };
}

const stored = (userId: string) => t.db.practiceAttempt.findMany({ where: { userId }, orderBy: { createdAt: "asc" }, select: { id: true, score: true } });
const saveCalls = () => requests.filter((r) => r.includes("coach.saveAttempt")).length;

describe("the offline outbox", () => {
  it("keeps scores made offline in order, and sends each once, oldest first, when the network returns", async () => {
    const { store } = freshStore();
    const outbox = new Outbox(store, "ana", sender("ana"));
    await goOffline();
    const made = [input(10, new Date(Date.now() - 3000)), input(20, new Date(Date.now() - 2000)), input(30, new Date(Date.now() - 1000))];
    for (const m of made) {
      await outbox.add(m);
      const report = await outbox.flush();
      expect(report.stopped).toMatchObject({ kind: "retry", reason: expect.stringMatching(/No connection/) });
      expect(report.sent).toEqual([]);
    }
    expect(await outbox.waiting()).toBe(3);
    // Retries back off while sends fail.
    expect([1, 2, 3, 6, 10].map(retryDelayMs)).toEqual([2000, 4000, 8000, 60_000, 60_000]);

    await listen();
    requests = [];
    const report = await outbox.flush();
    expect(report).toEqual({ sent: made.map((m) => m.attempt.id), refused: [], damaged: [], waiting: 0, stopped: null });
    expect(saveCalls()).toBe(3);
    expect(await stored("ana")).toEqual(made.map((m) => ({ id: m.attempt.id, score: m.attempt.score })));
    // Nothing is left to send: another flush sends nothing.
    expect(await outbox.flush()).toMatchObject({ sent: [], waiting: 0 });
    expect(saveCalls()).toBe(3);
  });

  it("stores a score once when the server saved it but the answer was lost, and sends it again after", async () => {
    const { store } = freshStore();
    const outbox = new Outbox(store, "ben", sender("ben"));
    const lost = input(55);
    const later = input(65);
    await outbox.add(lost);
    await outbox.add(later);
    mode = "lose-answers";
    const first = await outbox.flush();
    mode = "up";
    // The server has it, but the device cannot know: it keeps it and stops, so `later` does not overtake it.
    expect(first).toMatchObject({ sent: [], waiting: 2, stopped: { kind: "retry" } });
    expect((await stored("ben")).map((a) => a.id)).toEqual([lost.attempt.id]);

    const second = await outbox.flush();
    expect(second).toMatchObject({ sent: [lost.attempt.id, later.attempt.id], waiting: 0 });
    expect(await stored("ben")).toEqual([
      { id: lost.attempt.id, score: 55 },
      { id: later.attempt.id, score: 65 },
    ]);
  });

  it("sends each entry once when several flushes (tabs, events) run at the same time", async () => {
    const { store } = freshStore();
    const made = [input(41), input(42), input(43)];
    const tabA = new Outbox(store, "ana", sender("ana"));
    const tabB = new Outbox(store, "ana", sender("ana"));
    for (const m of made) await tabA.add(m);
    requests = [];
    const reports = await Promise.all([tabA.flush(), tabB.flush(), tabA.flush()]);
    expect(reports.flatMap((r) => r.sent).sort()).toEqual(made.map((m) => m.attempt.id).sort());
    expect(saveCalls()).toBe(3);
    const ids = new Set((await stored("ana")).map((a) => a.id));
    for (const m of made) expect(ids.has(m.attempt.id)).toBe(true);
  });

  it("skips a damaged or tampered entry with a message and sends the rest; the server's strict schema still applies", async () => {
    const { store, name } = freshStore();
    const outbox = new Outbox(store, "ana", sender("ana"));
    const good = [input(71), input(72)];
    await outbox.add(good[0]!);
    // Written behind the outbox's back, between two good entries: each must be skipped on its own.
    const raw = createStore(name, "entries");
    const tampered = input(73);
    await set([Date.now(), 1_000_001], { v: 1, userId: "ana", input: { ...tampered, attempt: { ...tampered.attempt, score: 9000 } } }, raw);
    const withImage = input(74);
    await set(
      [Date.now(), 1_000_002],
      { v: 1, userId: "ana", input: { ...withImage, attempt: { ...withImage.attempt, image: "data:image/png;base64,AAAA" } } },
      raw,
    );
    await set([Date.now(), 1_000_003], "not an entry", raw);
    await set([Date.now(), 1_000_004], { v: 1, userId: "ana", input: input(75, new Date(Date.now() - 400 * 24 * 3600_000)) }, raw);
    await new Promise((r) => setTimeout(r, 2));
    await outbox.add(good[1]!);
    expect(await outbox.waiting()).toBe(2);

    const report = await outbox.flush();
    expect(report.sent).toEqual(good.map((g) => g.attempt.id));
    expect(report.damaged).toHaveLength(4);
    expect(report.damaged[0]).toMatch(
      new RegExp(`score \\(${tampered.attempt.id.slice(0, 8)}\\) on this device is damaged or no longer valid and was skipped: input\\.attempt\\.score: .*100`),
    );
    expect(report.damaged[1]).toMatch(/Unrecognized key.*image/);
    expect(report.damaged[3]).toMatch(/more than a year old/);
    expect(report.waiting).toBe(0);
    const ids = (await stored("ana")).map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(good.map((g) => g.attempt.id)));
    expect(ids).not.toContain(tampered.attempt.id);
    expect(ids).not.toContain(withImage.attempt.id);
    // The damaged entries are gone from the device, not retried.
    expect(await store.list()).toEqual([]);
    // Nothing the outbox refuses to queue: the API's schema applies on the way in too.
    await expect(outbox.add({ ...tampered, attempt: { ...tampered.attempt, score: -1 } })).rejects.toThrow();
  });

  it("drops a score the server refuses, with the server's reason, and goes on with the next", async () => {
    const { store } = freshStore();
    // An attempt id ben already used: the server refuses it for ana (FORBIDDEN), for good.
    const taken = input(33);
    await sender("ben")(taken);
    const outbox = new Outbox(store, "ana", sender("ana"));
    const next = input(34);
    await outbox.add({ ...taken, session: { ...taken.session, id: randomUUID() } });
    await outbox.add(next);
    const report = await outbox.flush();
    expect(report.refused).toEqual([{ id: taken.attempt.id, reason: expect.stringMatching(/belongs to another account/) }]);
    expect(report.sent).toEqual([next.attempt.id]);
    expect(report.waiting).toBe(0);
  });

  it("keeps everything while signed out, and sends only the signed-in account's own scores", async () => {
    const { store } = freshStore();
    const anaScore = input(81);
    const benScore = input(82);
    await new Outbox(store, "ana", sender("ana")).add(anaScore);
    await new Outbox(store, "ben", sender("ben")).add(benScore);

    const expired = await new Outbox(store, "ana", sender(null)).flush();
    expect(expired).toMatchObject({ sent: [], waiting: 1, stopped: { kind: "signed-out", reason: expect.stringMatching(/sign in again/) } });

    const ben = new Outbox(store, "ben", sender("ben"));
    expect(await ben.waiting()).toBe(1);
    expect(await ben.flush()).toMatchObject({ sent: [benScore.attempt.id], waiting: 0 });
    // ana's score stays on the device for ana, never sent as ben's.
    expect(await ben.waiting()).toBe(0);
    expect(await new Outbox(store, "ana", sender("ana")).flush()).toMatchObject({ sent: [anaScore.attempt.id], waiting: 0 });
    expect((await stored("ben")).map((a) => a.id)).not.toContain(anaScore.attempt.id);
  });
});

import { createStore, del, entries, set, type UseStore } from "idb-keyval";
import { z } from "zod";

import { saveAttemptInput, type SaveAttemptInput } from "@mien/api/coach-schemas";

/**
 * The device's queue of practice scores not yet on the server. Every score goes through it, online
 * or not: it is stored first (IndexedDB), then sent, oldest first, one at a time, and deleted only
 * once the server has it. The attempt id is the server's idempotency key, so a send whose answer
 * was lost is sent again and stored once. Entries are re-checked against the API's own strict
 * schema when read: a damaged or tampered one is dropped with a message and the rest go on.
 */

/** Entries are keyed [queued at, sequence], which IndexedDB sorts in queue order. */
export type OutboxKey = [number, number];

/** Where entries live: IndexedDB in the browser (any IndexedDB, in tests). */
export interface OutboxStore {
  /** Every entry, in key order. Values are unchecked: anything may have been written there. */
  list(): Promise<Array<[OutboxKey, unknown]>>;
  put(key: OutboxKey, value: OutboxEntry): Promise<void>;
  remove(key: OutboxKey): Promise<void>;
}

const entrySchema = z
  .object({
    v: z.literal(1),
    /** The account the score belongs to: only that account's session sends it. */
    userId: z.string().min(1).max(200),
    input: saveAttemptInput,
  })
  .strict();

export type OutboxEntry = z.infer<typeof entrySchema>;

/** What one send came to, as `classifySendError` reads the transport's error. */
export type SendOutcome =
  | { kind: "sent" }
  /** The server will never take it (its schema, or another account's id): drop it and say why. */
  | { kind: "refused"; reason: string }
  /** The session ended: keep everything until the user signs in again. */
  | { kind: "signed-out"; reason: string }
  /** No network, a server error or a rate limit: keep it and try again later. */
  | { kind: "retry"; reason: string };

export type Send = (input: SaveAttemptInput) => Promise<void>;

/** Error codes (tRPC's) after which sending the same attempt again cannot succeed. */
const REFUSED = new Set(["BAD_REQUEST", "FORBIDDEN", "NOT_FOUND", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE_CONTENT", "CONFLICT", "METHOD_NOT_SUPPORTED"]);

/** Maps a failed send (a tRPC client or server error, or a network failure) to what the queue does next. */
export function classifySendError(error: unknown): Exclude<SendOutcome, { kind: "sent" }> {
  const e = error as { message?: string; code?: unknown; data?: { code?: unknown } | null } | null;
  const code = typeof e?.data?.code === "string" ? e.data.code : typeof e?.code === "string" ? e.code : null;
  const message = e?.message || String(error);
  if (code && REFUSED.has(code)) return { kind: "refused", reason: message };
  if (code === "UNAUTHORIZED") return { kind: "signed-out", reason: "Your session has ended: sign in again to send your waiting scores." };
  return { kind: "retry", reason: code ? message : `No connection to Mien (${message}).` };
}

export interface FlushReport {
  /** Attempt ids the server now has, in the order they were sent. */
  sent: string[];
  /** Attempts the server refused, dropped from the queue. */
  refused: Array<{ id: string; reason: string }>;
  /** Damaged, tampered or expired entries dropped from the queue, each with what was wrong. */
  damaged: string[];
  /** This account's entries still waiting. */
  waiting: number;
  /** Why the flush stopped early, when it did (the entries wait for the next one). */
  stopped: Exclude<SendOutcome, { kind: "sent" } | { kind: "refused" }> | null;
}

const describeIssues = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");

let sequence = 0;

/** Runs `fn` alone among this origin's tabs (Web Locks), or alone in this page when the browser has no locks. */
let localChain: Promise<unknown> = Promise.resolve();
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (locks) return locks.request("mien-outbox", fn) as Promise<T>;
  const run = localChain.then(fn, fn);
  localChain = run.catch(() => undefined);
  return run;
}

export class Outbox {
  constructor(
    private readonly store: OutboxStore,
    /** The signed-in account: the queue sends and counts only its entries. */
    private readonly userId: string,
    private readonly send: Send,
  ) {}

  /** Queues one attempt (checked against the API's schema first, so the queue holds only valid entries). */
  async add(input: SaveAttemptInput): Promise<void> {
    const entry = entrySchema.parse({ v: 1, userId: this.userId, input });
    await this.store.put([Date.now(), sequence++], entry);
  }

  /** This account's waiting entries (damaged ones are not counted; the next flush drops them). */
  async waiting(): Promise<number> {
    const all = await this.store.list();
    return all.filter(([, value]) => {
      const parsed = entrySchema.safeParse(value);
      return parsed.success && parsed.data.userId === this.userId;
    }).length;
  }

  /**
   * Sends this account's entries oldest first, one at a time, deleting each once the server has
   * it. Stops at the first entry that must wait (offline, server error, signed out), so later
   * scores never overtake it. Only one flush runs at a time, across tabs too.
   */
  flush(): Promise<FlushReport> {
    return exclusively(() => this.flushNow());
  }

  private async flushNow(): Promise<FlushReport> {
    const report: FlushReport = { sent: [], refused: [], damaged: [], waiting: 0, stopped: null };
    const all = await this.store.list();
    const mine: Array<[OutboxKey, OutboxEntry]> = [];
    for (const [key, value] of all) {
      const parsed = entrySchema.safeParse(value);
      if (!parsed.success) {
        const id = (value as { input?: { attempt?: { id?: unknown } } } | null)?.input?.attempt?.id;
        report.damaged.push(
          `A waiting score${typeof id === "string" ? ` (${id.slice(0, 8)})` : ""} on this device is damaged or no longer valid and was skipped: ${describeIssues(parsed.error)}.`,
        );
        await this.store.remove(key);
      } else if (parsed.data.userId === this.userId) {
        mine.push([key, parsed.data]);
      }
    }
    let index = 0;
    for (; index < mine.length; index++) {
      const [key, entry] = mine[index]!;
      const outcome = await this.send(entry.input).then(
        (): SendOutcome => ({ kind: "sent" }),
        (error: unknown) => classifySendError(error),
      );
      if (outcome.kind === "sent") {
        report.sent.push(entry.input.attempt.id);
      } else if (outcome.kind === "refused") {
        report.refused.push({ id: entry.input.attempt.id, reason: outcome.reason });
      } else {
        report.stopped = outcome;
        break;
      }
      await this.store.remove(key);
    }
    report.waiting = mine.length - index;
    return report;
  }
}

let store: UseStore | undefined;
const outboxDb = () => (store ??= createStore("mien-outbox", "entries"));

/** The browser's outbox: the "entries" store of the "mien-outbox" IndexedDB database. */
export function indexedDbOutboxStore(db: () => UseStore = outboxDb): OutboxStore {
  return {
    list: () => entries<OutboxKey, unknown>(db()),
    put: (key, value) => set(key, value, db()),
    remove: (key) => del(key, db()),
  };
}

/** Waits between retries while the network is up but sends fail: 2 s doubling to 60 s. */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000, 2000 * 2 ** Math.max(0, failures - 1));
}

"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import type { SaveAttemptInput } from "@mien/api/coach-schemas";

import { indexedDbOutboxStore, Outbox, retryDelayMs, type FlushReport } from "../../coach/outbox.ts";
import { useTRPC, useTRPCClient } from "../../trpc/react.tsx";

/** Where one attempt's score is. */
export type Delivery =
  | { kind: "saving" }
  | { kind: "saved" }
  /** Kept on this device until Mien can be reached (offline, a server error, or signed out). */
  | { kind: "waiting" }
  | { kind: "refused"; reason: string };

export interface OutboxView {
  /** This account's scores waiting on the device, from this visit and earlier ones. */
  waiting: number;
  /** Why the waiting scores are not being sent, when a send stopped. */
  stopped: string | null;
  /** Scores dropped from the queue (damaged, or refused by the server), each with why. */
  problems: string[];
  deliveries: ReadonlyMap<string, Delivery>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The coach's practice scores go through the device's outbox (coach/outbox.ts): stored first, then
 * sent oldest first, each once (the attempt id is the idempotency key). The queue is flushed when
 * the page opens, whenever `online` turns true, after each new score, and with a growing delay
 * while the network seems up but sends fail.
 */
export function useOutbox(userId: string | null, online: boolean) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const outbox = useMemo(
    () => (userId ? new Outbox(indexedDbOutboxStore(), userId, (input) => client.coach.saveAttempt.mutate(input).then(() => undefined)) : null),
    [userId, client],
  );
  const [view, setView] = useState<OutboxView>({ waiting: 0, stopped: null, problems: [], deliveries: new Map() });
  const running = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const failures = useRef(0);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flushRef = useRef<() => Promise<void>>(async () => {});

  const setDelivery = useCallback((id: string, delivery: Delivery) => {
    setView((v) => ({ ...v, deliveries: new Map(v.deliveries).set(id, delivery) }));
  }, []);

  const apply = useCallback(
    (report: FlushReport) => {
      setView((v) => {
        const deliveries = new Map(v.deliveries);
        const problems = [...v.problems, ...report.damaged];
        for (const id of report.sent) deliveries.set(id, { kind: "saved" });
        for (const { id, reason } of report.refused) {
          // Refused scores of this visit say so where they are shown; earlier ones say it here.
          if (!deliveries.has(id)) problems.push(`A score made earlier on this device was refused by the server and dropped: ${reason}`);
          deliveries.set(id, { kind: "refused", reason });
        }
        if (report.stopped) for (const [id, d] of deliveries) if (d.kind === "saving") deliveries.set(id, { kind: "waiting" });
        return { waiting: report.waiting, stopped: report.stopped?.reason ?? null, problems, deliveries };
      });
      if (report.sent.length) void queryClient.invalidateQueries({ queryKey: trpc.coach.summary.queryKey() });
      if (retryTimer.current) clearTimeout(retryTimer.current);
      retryTimer.current = null;
      if (report.stopped?.kind === "retry") {
        failures.current++;
        // Offline, the `online` event starts the next flush; online, a server error is retried later.
        if (navigator.onLine) retryTimer.current = setTimeout(() => void flushRef.current(), retryDelayMs(failures.current));
      } else {
        failures.current = 0;
      }
    },
    [queryClient, trpc],
  );

  /** One flush at a time; a request during one runs another right after it. */
  const flush = useCallback((): Promise<void> => {
    if (!outbox) return Promise.resolve();
    if (running.current) {
      again.current = true;
      return running.current;
    }
    const run = (async () => {
      do {
        again.current = false;
        try {
          apply(await outbox.flush());
        } catch (error) {
          setView((v) => ({ ...v, stopped: `The scores waiting on this device could not be read: ${describe(error)}.` }));
          return;
        }
      } while (again.current);
    })().finally(() => {
      running.current = null;
    });
    running.current = run;
    return run;
  }, [outbox, apply]);
  flushRef.current = flush;

  /** Queues one attempt's score and starts sending it. */
  const queue = useCallback(
    async (input: SaveAttemptInput): Promise<void> => {
      if (!outbox) return;
      const id = input.attempt.id;
      setDelivery(id, { kind: "saving" });
      try {
        await outbox.add(input);
      } catch (error) {
        // No IndexedDB here (some private windows): send it straight away, without the queue's safety net.
        console.warn(`Could not keep the score on this device, sending it directly: ${describe(error)}`);
        await client.coach.saveAttempt.mutate(input).then(
          () => setDelivery(id, { kind: "saved" }),
          (sendError: unknown) => setDelivery(id, { kind: "refused", reason: describe(sendError) }),
        );
        return;
      }
      setView((v) => ({ ...v, waiting: v.waiting + 1 }));
      await flush();
    },
    [outbox, client, flush, setDelivery],
  );

  // Scores left from an earlier visit go now; those made offline go when the network returns.
  useEffect(() => {
    if (!outbox || !online) return;
    failures.current = 0;
    void flush();
  }, [outbox, flush, online]);
  // The browser's own signal, too: `online` may wait for Mien to answer a lookup first.
  useEffect(() => {
    if (!outbox) return;
    const reconnected = () => {
      failures.current = 0;
      void flush();
    };
    window.addEventListener("online", reconnected);
    return () => {
      window.removeEventListener("online", reconnected);
      if (retryTimer.current) clearTimeout(retryTimer.current);
      retryTimer.current = null;
    };
  }, [outbox, flush]);

  const dismissProblems = useCallback(() => setView((v) => ({ ...v, problems: [] })), []);

  return { ...view, queue, dismissProblems };
}

export type OutboxHandle = ReturnType<typeof useOutbox>;

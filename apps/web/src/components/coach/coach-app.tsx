"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useMemo, useRef, useState } from "react";

import type { PracticeResult } from "../../coach/practice.ts";
import type { PackagedUrls } from "../../coach/worker/protocol.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { browserTimeZone } from "../plans/time-zone.ts";
import { PRODUCT_SENTENCE } from "../product.ts";
import { CalibrationPanel } from "./calibration-panel.tsx";
import { CameraStage } from "./camera-stage.tsx";
import { ConnectionStatus } from "./connection-status.tsx";
import { ModelNote } from "./model-note.tsx";
import { PracticePanel, type SavedAttempt } from "./practice-panel.tsx";
import { ReadoutPanel } from "./readout-panel.tsx";
import { TodaysPlan } from "./todays-plan.tsx";
import { useCoach } from "./use-coach.ts";
import { useOfflineShell, useOnline } from "./use-offline.ts";
import { useOutbox, type Delivery, type OutboxHandle } from "./use-outbox.ts";

/** A new id per visit: the attempts of one visit are one coach session. */
function newSessionId(): string {
  return crypto.randomUUID();
}

/** An attempt of this visit, and the id its score is sent under (null when not signed in). */
interface Attempt {
  result: PracticeResult;
  id: string | null;
}

function savedState(delivery: Delivery | undefined): SavedAttempt["saved"] {
  if (!delivery || delivery.kind === "saving") return "saving";
  if (delivery.kind === "refused") return { error: delivery.reason };
  return delivery.kind;
}

export function CoachApp({ urls, userId, backends }: { urls: PackagedUrls; userId: string | null; backends?: string[] }) {
  const trpc = useTRPC();
  const signedIn = userId !== null;
  const browserOnline = useOnline();
  const [sessionId] = useState(newSessionId);
  const [made, setMade] = useState<Attempt[]>([]);
  // Server-rendered into the page for signed-in users, so the cached page shell has it offline too.
  const plan = useQuery({ ...trpc.coach.plan.queryOptions(), enabled: signedIn });
  const summary = useQuery({ ...trpc.coach.summary.queryOptions({ timeZone: browserTimeZone() }), enabled: signedIn });

  const coachRef = useRef<ReturnType<typeof useCoach> | null>(null);
  const queueRef = useRef<OutboxHandle["queue"] | null>(null);
  const onAttempt = useCallback(
    (result: PracticeResult) => {
      const model = coachRef.current?.status.kind === "ready" ? coachRef.current.status.model : null;
      // The attempt's id is made once, here: every (re)send of its score carries it, so it is stored once.
      const id = signedIn && model ? crypto.randomUUID() : null;
      setMade((list) => [{ result, id }, ...list]);
      if (!id || !model) return;
      void queueRef.current?.({
        session: { id: sessionId, modelKey: model.key, modelName: model.name },
        attempt: {
          id,
          madeAt: new Date(),
          target: result.target,
          score: result.score,
          succeeded: result.succeeded,
          holdMs: result.holdMs,
          durationMs: result.durationMs,
          calibrated: coachRef.current?.snapshot?.relative ?? false,
          readAs: result.readAs.length ? result.readAs : [{ expression: result.target, probability: 0 }],
        },
      });
    },
    // coachRef and queueRef are read at call time.
    [signedIn, sessionId],
  );

  const coach = useCoach({ urls, backends, onAttempt });
  coachRef.current = coach;
  // Offline when the browser says so, or when Mien did not answer its last question (a browser can be
  // "online" on a network that does not reach Mien); the registry is asked every 30 s and on reconnecting.
  const online = browserOnline && coach.registry?.kind !== "unreachable";
  const outbox = useOutbox(userId, online);
  queueRef.current = outbox.queue;
  const classes = coach.status.kind === "ready" ? coach.status.model.classes : [];
  // Installed for offline use once the models run, so the download does not compete with theirs.
  const shell = useOfflineShell(coach.status.kind === "ready");
  const attempts = useMemo<SavedAttempt[]>(
    () => made.map(({ result, id }) => ({ result, saved: id ? savedState(outbox.deliveries.get(id)) : "not-signed-in" })),
    [made, outbox.deliveries],
  );

  return (
    <div className="coach">
      <div className="panel-head">
        <h1>Coach</h1>
        <p className="lede">
          {PRODUCT_SENTENCE} Everything runs in this browser: your camera&apos;s frames are never uploaded, and only practice scores are saved
          {signedIn ? "" : ", once you sign in"}.
        </p>
      </div>
      <ConnectionStatus online={online} shell={shell} outbox={outbox} signedIn={signedIn} />
      {coach.notice ? (
        <div className="notice coach-notice" data-testid="coach-notice">
          <span>{coach.notice}</span>
          <button type="button" className="button button-quiet" onClick={coach.dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div className="coach-layout">
        <CameraStage coach={coach} />
        <div className="coach-side">
          {plan.data ? <TodaysPlan plan={plan.data} summary={summary.data} attempts={attempts} coach={coach} classes={classes} /> : null}
          <ReadoutPanel coach={coach} />
          <PracticePanel coach={coach} classes={classes} attempts={attempts} />
          <CalibrationPanel coach={coach} />
        </div>
      </div>
      <ModelNote coach={coach} />
      <p className="visually-hidden" aria-live="polite" data-testid="coach-announcer">
        {coach.announcement}
      </p>
    </div>
  );
}

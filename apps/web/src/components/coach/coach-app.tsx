"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import type { PracticeResult } from "../../coach/practice.ts";
import type { PackagedUrls } from "../../coach/worker/protocol.ts";
import { useTRPC } from "../../trpc/react.tsx";
import { PRODUCT_SENTENCE } from "../product.ts";
import { CalibrationPanel } from "./calibration-panel.tsx";
import { CameraStage } from "./camera-stage.tsx";
import { ModelNote } from "./model-note.tsx";
import { PracticePanel, type SavedAttempt } from "./practice-panel.tsx";
import { browserTimeZone } from "../plans/time-zone.ts";
import { ReadoutPanel } from "./readout-panel.tsx";
import { TodaysPlan } from "./todays-plan.tsx";
import { useCoach } from "./use-coach.ts";

/** A new id per visit: the attempts of one visit are one coach session. */
function newSessionId(): string {
  return crypto.randomUUID();
}

export function CoachApp({ urls, signedIn, backends }: { urls: PackagedUrls; signedIn: boolean; backends?: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const save = useMutation(trpc.coach.saveAttempt.mutationOptions());
  const [sessionId] = useState(newSessionId);
  const [attempts, setAttempts] = useState<SavedAttempt[]>([]);
  // Server-rendered into the page for signed-in users, so the cached page shell has it offline too.
  const plan = useQuery({ ...trpc.coach.plan.queryOptions(), enabled: signedIn });
  const summary = useQuery({ ...trpc.coach.summary.queryOptions({ timeZone: browserTimeZone() }), enabled: signedIn });

  const coachRef = useRef<ReturnType<typeof useCoach> | null>(null);
  const onAttempt = useCallback(
    (result: PracticeResult) => {
      const model = coachRef.current?.status.kind === "ready" ? coachRef.current.status.model : null;
      const entry: SavedAttempt = { result, saved: signedIn && model ? "saving" : "not-signed-in" };
      setAttempts((list) => [entry, ...list]);
      if (!signedIn || !model) return;
      const mark = (saved: SavedAttempt["saved"]) => setAttempts((list) => list.map((a) => (a.result === result ? { ...a, saved } : a)));
      save.mutate(
        {
          session: { id: sessionId, modelKey: model.key, modelName: model.name },
          attempt: {
            id: crypto.randomUUID(),
            madeAt: new Date(),
            target: result.target,
            score: result.score,
            succeeded: result.succeeded,
            holdMs: result.holdMs,
            durationMs: result.durationMs,
            calibrated: coachRef.current?.snapshot?.relative ?? false,
            readAs: result.readAs.length ? result.readAs : [{ expression: result.target, probability: 0 }],
          },
        },
        {
          onSuccess: () => {
            mark("saved");
            void queryClient.invalidateQueries({ queryKey: trpc.coach.summary.queryKey() });
          },
          onError: (error) => mark({ error: error.message }),
        },
      );
    },
    // coachRef is read at call time; the mutation object is stable.
    [signedIn, sessionId, save.mutate, queryClient, trpc],
  );

  const coach = useCoach({ urls, backends, onAttempt });
  coachRef.current = coach;
  const classes = coach.status.kind === "ready" ? coach.status.model.classes : [];

  return (
    <div className="coach">
      <div className="panel-head">
        <h1>Coach</h1>
        <p className="lede">
          {PRODUCT_SENTENCE} Everything runs in this browser: your camera&apos;s frames are never uploaded, and only practice scores are
          saved{signedIn ? "" : ", once you sign in"}.
        </p>
      </div>
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

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { ProgressChart } from "../coach/progress-chart.tsx";
import { PlanEditor, usePlanEditorFocus } from "../plans/plan-editor.tsx";
import { PlanStatus } from "../plans/plan-status.tsx";
import { PracticeFigures } from "../plans/practice-figures.tsx";
import { browserTimeZone } from "../plans/time-zone.ts";

/**
 * One learner's practice as their mentor sees it: the plan (which the mentor may set), sessions
 * and streak, and scores per expression over time. Scores only; every load is audited. When the
 * learner revokes access, the next request is refused and the page says so.
 */
export function LearnerProgress({ userId, viewerId }: { userId: string; viewerId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const timeZone = browserTimeZone();
  const progress = useQuery(trpc.mentoring.progress.queryOptions({ userId, timeZone }));
  const [editing, setEditing] = useState(false);
  const editButton = usePlanEditorFocus(editing);
  const [confirmStop, setConfirmStop] = useState(false);
  const setPlan = useMutation(
    trpc.mentoring.setPlan.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await queryClient.invalidateQueries({ queryKey: trpc.mentoring.progress.queryKey({ userId, timeZone }) });
      },
    }),
  );
  const stop = useMutation(trpc.mentoring.stop.mutationOptions({ onSuccess: () => router.push("/mentor") }));

  if (progress.error) {
    const refused = progress.error.data?.code === "FORBIDDEN";
    return (
      <div className="panel" data-testid="learner-refused">
        <p className="notice notice-error" role="alert">
          {refused
            ? "You can no longer see this person's practice: they stopped sharing it with you, or never invited you."
            : `Could not load this practice: ${progress.error.message}`}
        </p>
        <p>
          <Link href="/mentor">Back to the people you mentor</Link>
        </p>
      </div>
    );
  }
  if (!progress.data) return <p className="status">Loading…</p>;
  const { learner, plan, summary, expressions } = progress.data;

  return (
    <div className="learner-progress">
      <div className="panel-head">
        <h1>{learner.name}&apos;s practice</h1>
        <p className="lede">
          {learner.email}. Scores only, as {learner.name} shares them with you; they can stop sharing at any time.
        </p>
      </div>
      <PracticeFigures summary={summary} />
      <section className="panel" aria-labelledby="learner-plan-heading">
        <div className="queue-head">
          <h2 id="learner-plan-heading">Plan</h2>
          {!editing ? (
            <button type="button" className="button button-quiet" ref={editButton} onClick={() => setEditing(true)}>
              {plan ? "Change the plan" : "Set a plan"}
            </button>
          ) : null}
        </div>
        {editing ? (
          <PlanEditor
            plan={plan}
            whose={`${learner.name}'s`}
            saving={setPlan.isPending}
            error={setPlan.error?.message ?? null}
            onSave={(next) => setPlan.mutate({ userId, plan: next })}
            onCancel={() => setEditing(false)}
          />
        ) : plan ? (
          <PlanStatus plan={plan} summary={summary} viewerId={viewerId} subject={learner.name} />
        ) : (
          <p data-testid="plan-none">No plan yet. Set one with {learner.name}: the expressions to work on, how long to hold each, and how often.</p>
        )}
      </section>
      <section className="panel section" aria-label="Scores per expression">
        {expressions.length === 0 ? (
          <p>{learner.name} has not practised yet.</p>
        ) : (
          <>
            <p className="hint">Filled dots: held. Hollow dots: time ran out first. Scores are 0 to 100.</p>
            <div className="progress-grid-list">
              {expressions.map((e) => (
                <ProgressChart key={e.expression} progress={e} whose="their" />
              ))}
            </div>
          </>
        )}
      </section>
      <div className="coach-row progress-actions">
        {confirmStop ? (
          <>
            <span>Stop following {learner.name}&apos;s practice? They can invite you again.</span>
            <button type="button" className="button" onClick={() => stop.mutate({ userId })} disabled={stop.isPending}>
              Stop following
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirmStop(false)}>
              Keep following
            </button>
          </>
        ) : (
          <button type="button" className="button button-quiet" onClick={() => setConfirmStop(true)}>
            Stop following {learner.name}…
          </button>
        )}
        {stop.error ? (
          <p className="inline-error" role="alert">
            {stop.error.message}
          </p>
        ) : null}
      </div>
    </div>
  );
}

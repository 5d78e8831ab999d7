"use client";

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { PlanEditor, usePlanEditorFocus } from "./plan-editor.tsx";
import { PlanStatus } from "./plan-status.tsx";
import { PracticeFigures } from "./practice-figures.tsx";
import { browserTimeZone } from "./time-zone.ts";

/** The learner's own plan on the progress page: how it is going, and editing it. */
export function MyPlan({ viewerId }: { viewerId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: plan } = useSuspenseQuery(trpc.coach.plan.queryOptions());
  const summary = useQuery(trpc.coach.summary.queryOptions({ timeZone: browserTimeZone() }));
  const [editing, setEditing] = useState(false);
  const editButton = usePlanEditorFocus(editing);
  const save = useMutation(
    trpc.coach.setPlan.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.coach.plan.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.coach.summary.queryKey() }),
        ]);
      },
    }),
  );

  return (
    <section className="panel plan-panel" aria-labelledby="plan-heading">
      <div className="queue-head">
        <h2 id="plan-heading">Your practice plan</h2>
        {!editing ? (
          <button type="button" className="button button-quiet" ref={editButton} onClick={() => setEditing(true)}>
            {plan ? "Change the plan" : "Make a plan"}
          </button>
        ) : null}
      </div>
      {summary.data ? <PracticeFigures summary={summary.data} /> : null}
      {summary.error ? (
        <p className="inline-error" role="alert">
          Could not load your sessions: {summary.error.message}
        </p>
      ) : null}
      {editing ? (
        <PlanEditor
          plan={plan}
          whose="your"
          saving={save.isPending}
          error={save.error?.message ?? null}
          onSave={(next) => save.mutate({ plan: next })}
          onCancel={() => setEditing(false)}
        />
      ) : plan ? (
        <PlanStatus plan={plan} summary={summary.data} viewerId={viewerId} subject="you" />
      ) : (
        <p data-testid="plan-none">
          No plan yet. Make one yourself, or invite a mentor from <Link href="/coach/sharing">Sharing</Link> to set one with you.
        </p>
      )}
    </section>
  );
}

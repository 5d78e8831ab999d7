"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { ProgressChart } from "./progress-chart.tsx";

export function ProgressView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(trpc.coach.progress.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation(
    trpc.coach.clearProgress.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.coach.progress.queryKey() }),
      onSettled: () => setConfirming(false),
    }),
  );

  if (data.length === 0) {
    return (
      <section className="panel">
        <p>
          No practice yet. <Link href="/coach">Open the coach</Link>, start your camera and press <strong>Start practice</strong>: each attempt&apos;s score
          appears here.
        </p>
      </section>
    );
  }

  return (
    <section className="panel" aria-label="Scores per expression">
      <p className="hint">Filled dots: you held the expression. Hollow dots: time ran out first. Scores are 0 to 100.</p>
      <div className="progress-grid-list">
        {data.map((p) => (
          <ProgressChart key={p.expression} progress={p} />
        ))}
      </div>
      <div className="coach-row progress-actions">
        {confirming ? (
          <>
            <span>Delete all your practice scores? This cannot be undone.</span>
            <button type="button" className="button" onClick={() => clear.mutate()} disabled={clear.isPending}>
              Delete my scores
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
              Keep them
            </button>
          </>
        ) : (
          <button type="button" className="button button-quiet" onClick={() => setConfirming(true)}>
            Delete my practice history…
          </button>
        )}
        {clear.error ? (
          <p className="inline-error" role="alert">
            Could not delete: {clear.error.message}
          </p>
        ) : null}
      </div>
    </section>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";

import { useTRPC } from "../../trpc/react.tsx";
import { elapsed } from "../duration.ts";
import { dec, pct, stageText, when } from "./format.ts";
import { LineChart } from "./line-chart.tsx";

const ACTIVE = new Set(["queued", "running"]);

/**
 * One job, live: a progress bar, stage, epoch and batch, and loss and accuracy charts drawn from
 * every finished epoch. Polls once a second while the job is queued or running (BullMQ's own
 * progress, as the worker reports it per batch), then stops.
 */
export function TrainingJob({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({
    ...trpc.training.get.queryOptions({ id }),
    refetchOnMount: "always",
    refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 1000 : false),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.training.get.queryKey({ id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.training.list.queryKey() });
  };
  const cancel = useMutation(trpc.training.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.training.retry.mutationOptions({ onSuccess: refresh }));

  if (job.isPending)
    return (
      <p className="status" role="status">
        Loading the job…
      </p>
    );
  if (job.isError)
    return (
      <p className="notice notice-error" role="alert">
        The job could not be loaded: {job.error.message}
      </p>
    );
  const j = job.data;
  const p = j.progress;
  const history = p?.history ?? [];
  const epochs = history.map((h) => h.epoch);
  const percent = j.status === "completed" ? 100 : Math.round(p?.percent ?? 0);
  const stage = j.status === "completed" ? "done" : (p?.stage ?? "queued");
  const detail = [
    p?.epoch && p.epochs ? `epoch ${p.epoch} of ${p.epochs}` : null,
    p?.batch && p.batches && stage === "training" ? `batch ${p.batch} of ${p.batches}` : null,
    p?.resumedFrom ? `resumed after epoch ${p.resumedFrom}` : null,
  ].filter(Boolean);

  return (
    <section className="panel job-panel" aria-labelledby="job-heading">
      <div className="job-head">
        <div>
          <h2 id="job-heading">{j.config.name}</h2>
          <p className="hint">
            Snapshot {j.snapshot.name} ({j.snapshot.imageCount} images, {j.snapshot.contentHash.slice(0, 12)}) · started by{" "}
            {j.createdBy.name || j.createdBy.email} · {when(j.createdAt)}
            {j.backend ? ` · backend ${j.backend}` : ""}
            {j.attempts > 1 ? ` · attempt ${j.attempts}` : ""}
            {j.startedAt && j.finishedAt ? ` · took ${elapsed(j.startedAt, j.finishedAt)}` : ""}
          </p>
        </div>
        <span className={`status-badge status-${j.status}`} data-testid="job-status">
          {j.status}
        </span>
      </div>

      <div className="progress-block">
        <label htmlFor="job-progress" className="progress-label">
          {stageText(stage, j.config.mode)}
          {detail.length ? ` · ${detail.join(" · ")}` : ""}
        </label>
        <progress id="job-progress" max={100} value={percent} aria-valuetext={`${percent}%: ${stageText(stage, j.config.mode)}`}>
          {percent}%
        </progress>
        <span className="progress-percent" aria-hidden="true">
          {percent}%
        </span>
        <p className="hint" role="status" aria-live="polite" data-testid="job-message">
          {p?.message ?? ""}
        </p>
      </div>

      {j.error && j.status !== "completed" ? (
        <p className="notice notice-error" role="alert">
          {j.error}
        </p>
      ) : null}

      <div className="form-actions">
        {ACTIVE.has(j.status) ? (
          <button type="button" className="button button-quiet" onClick={() => cancel.mutate({ id })} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel job"}
          </button>
        ) : null}
        {j.status === "failed" || j.status === "cancelled" ? (
          <button type="button" className="button button-quiet" onClick={() => retry.mutate({ id })} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : "Retry (resumes from the last checkpoint)"}
          </button>
        ) : null}
        {j.version ? (
          <Link className="button" href={`/admin/models?version=${j.version.number}`}>
            See version {j.version.number}
          </Link>
        ) : null}
        {cancel.isError || retry.isError ? (
          <span className="inline-error" role="alert">
            {(cancel.error ?? retry.error)?.message}
          </span>
        ) : null}
      </div>

      {history.length ? (
        <div className="chart-grid">
          <LineChart
            title="Loss"
            epochs={epochs}
            format={(v) => dec(v, 3)}
            series={[
              { label: "train", values: history.map((h) => h.loss), className: "series-train" },
              { label: "val", values: history.map((h) => h.valLoss), className: "series-val", dash: "6 4" },
            ]}
          />
          <LineChart
            title="Accuracy"
            epochs={epochs}
            format={(v) => pct(v)}
            series={[
              { label: "train", values: history.map((h) => h.accuracy), className: "series-train" },
              { label: "val", values: history.map((h) => h.valAccuracy), className: "series-val", dash: "6 4" },
            ]}
          />
        </div>
      ) : (
        <p className="status">Charts appear when the first epoch ends.</p>
      )}
    </section>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { useTRPC } from "../../trpc/react.tsx";
import { duration, elapsed } from "../duration.ts";
import { MislabelPrecision } from "./mislabel-precision.tsx";
import { Scorecard } from "./scorecard.tsx";
import { STAGE_TEXT, stageNote, STATUS_TEXT } from "./stage-names.ts";

const number = new Intl.NumberFormat("en-US");
const time = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Start a screening run and follow it: a progress bar, each stage's counts, and recent runs. */
export function ScreeningPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [force, setForce] = useState(false);
  const [said, setSaid] = useState("");
  const status = useQuery(
    trpc.screening.status.queryOptions(undefined, {
      // Poll while a run is under way; stop once it has finished.
      refetchInterval: (q) => (q.state.data?.runs[0] && ["queued", "running"].includes(q.state.data.runs[0].status) ? 1_500 : false),
    }),
  );
  const start = useMutation(
    trpc.screening.start.mutationOptions({
      onSuccess: (result) => {
        setSaid(result.created ? "Screening started." : "A screening run is already under way; showing it.");
        void queryClient.invalidateQueries({ queryKey: trpc.screening.status.queryKey() });
      },
      onError: (error) => setSaid(`Screening did not start: ${error.message}`),
    }),
  );

  if (status.isPending) return <p className="status">Loading screening runs…</p>;
  if (status.isError) {
    return (
      <p className="notice notice-error" role="alert">
        Screening runs could not be loaded: {status.error.message} Reload the page to try again.
      </p>
    );
  }
  const [latest, ...older] = status.data.runs;
  const active = latest && (latest.status === "queued" || latest.status === "running");
  const current = latest?.stages.find((s) => !s.done);

  return (
    <>
      <section className="panel screening-run" aria-labelledby="run-heading">
        <h2 id="run-heading">{latest ? `Latest run: ${STATUS_TEXT[latest.status]}` : "No screening run yet"}</h2>
        {latest ? (
          <>
            <label htmlFor="screening-progress" className="visually-hidden">
              Screening progress
            </label>
            <progress id="screening-progress" className="screening-progress" max={100} value={latest.percent}>
              {latest.percent}%
            </progress>
            <p className="hint" data-testid="screening-summary">
              {latest.percent.toFixed(latest.percent === 100 ? 0 : 1)}% done
              {active && current
                ? ` · stage ${latest.stages.indexOf(current) + 1} of ${latest.stages.length}: ${STAGE_TEXT[current.stage] ?? current.stage}` +
                  (current.total > 1
                    ? ` (${number.format(latest.live?.stage === current.stage ? latest.live.done : current.processed)} of ${number.format(current.total)})`
                    : "")
                : ""}
              {latest.status === "completed" && latest.startedAt && latest.finishedAt ? ` · took ${elapsed(latest.startedAt, latest.finishedAt)}` : ""}
            </p>
            {latest.status === "queued" ? (
              <p className="hint">The run waits for a screener process. `pnpm start` runs one; `pnpm mien screen` screens in its own process.</p>
            ) : null}
            {latest.error ? (
              <p className={`notice ${latest.status === "failed" ? "notice-error" : ""}`} role="alert">
                {latest.status === "failed" ? "The run failed: " : "The last attempt failed and is being retried: "}
                {latest.error}
              </p>
            ) : null}
            <div className="table-wrap">
              <table className="data-table">
                <caption className="visually-hidden">Stages of the latest run</caption>
                <thead>
                  <tr>
                    <th scope="col">Stage</th>
                    <th scope="col">State</th>
                    <th scope="col" className="num">
                      Images
                    </th>
                    <th scope="col" className="num">
                      Time
                    </th>
                    <th scope="col">Found</th>
                  </tr>
                </thead>
                <tbody>
                  {latest.stages.map((s) => {
                    const state = s.done ? "done" : s === current && latest.status === "running" ? "running" : "waiting";
                    return (
                      <tr key={s.stage} data-stage={s.stage}>
                        <th scope="row">{STAGE_TEXT[s.stage] ?? s.stage}</th>
                        <td className={`stage-state stage-state-${state}`}>{state === "done" ? "Done" : state === "running" ? "Running" : "Waiting"}</td>
                        <td className="num">{s.total > 1 || s.processed > 1 ? `${number.format(s.processed)} / ${number.format(s.total)}` : "—"}</td>
                        <td className="num">{s.seconds > 0 ? duration(s.seconds) : "—"}</td>
                        <td>{s.done ? stageNote(s.stage, s.detail) : ""}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : (
          <p className="hint">Screening has not run on this data set. Start it below; it takes a while on a large set, and can be left running.</p>
        )}
        <form
          className="screening-actions"
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate({ force });
          }}
        >
          <button type="submit" className="button" disabled={start.isPending || Boolean(active)}>
            {start.isPending ? "Starting…" : active ? "Screening…" : "Start screening"}
          </button>
          <label className="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} disabled={Boolean(active)} />
            Recompute signals already stored
          </label>
          <p className="hint" role="status" aria-live="polite">
            {said}
          </p>
        </form>
      </section>
      <Scorecard />
      <MislabelPrecision />
      {older.length ? (
        <section className="panel" aria-labelledby="older-heading">
          <h2 id="older-heading">Earlier runs</h2>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">By</th>
                  <th scope="col">Result</th>
                  <th scope="col" className="num">
                    Time
                  </th>
                </tr>
              </thead>
              <tbody>
                {older.map((run) => (
                  <tr key={run.id}>
                    <td>{time.format(run.createdAt)} UTC</td>
                    <td>{run.startedBy?.name || run.startedBy?.email || "command line"}</td>
                    <td>{STATUS_TEXT[run.status]}</td>
                    <td className="num">{run.startedAt && run.finishedAt ? elapsed(run.startedAt, run.finishedAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

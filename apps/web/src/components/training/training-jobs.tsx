"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";

import { useTRPC } from "../../trpc/react.tsx";
import { stageText, when } from "./format.ts";

const ACTIVE = new Set(["queued", "running"]);

/** Recent jobs; refreshed every 2 s while any of them is queued or running. */
export function TrainingJobs() {
  const trpc = useTRPC();
  const jobs = useQuery({
    ...trpc.training.list.queryOptions(),
    refetchOnMount: "always",
    refetchInterval: (q) => (q.state.data?.some((j) => ACTIVE.has(j.status)) ? 2000 : false),
  });
  if (jobs.isPending)
    return (
      <p className="status" role="status">
        Loading jobs…
      </p>
    );
  if (jobs.isError)
    return (
      <p className="notice notice-error" role="alert">
        The jobs could not be loaded: {jobs.error.message}
      </p>
    );
  if (!jobs.data.length) return <p className="status">No training jobs yet.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table" aria-label="Training jobs">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Snapshot</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Progress
            </th>
            <th scope="col">Version</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {jobs.data.map((j) => (
            <tr key={j.id}>
              <th scope="row">
                <Link href={`/admin/training/${j.id}`}>{j.config.name}</Link>
              </th>
              <td>{j.snapshot.name}</td>
              <td>
                <span className={`status-badge status-${j.status}`}>{j.status}</span>
                {j.status === "running" && j.progress ? <span className="hint"> {stageText(j.progress.stage, j.config.mode)}</span> : null}
              </td>
              <td className="num">{j.progress ? `${Math.round(j.progress.percent)}%` : "–"}</td>
              <td>{j.version ? `v${j.version.number}` : "–"}</td>
              <td>{when(j.startedAt ?? j.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

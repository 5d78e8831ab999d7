"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";

/** How often curators agree with the "mislabelled" flag, per given label, from their decisions on flagged images. */
export function MislabelPrecision() {
  const trpc = useTRPC();
  const rows = useQuery(trpc.screening.mislabelPrecision.queryOptions());
  if (rows.isPending) return null;
  if (rows.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The mislabel flag&apos;s precision could not be loaded: {rows.error.message}
      </p>
    );
  }
  return (
    <section className="panel" aria-labelledby="mislabel-precision-heading">
      <h2 id="mislabel-precision-heading">&ldquo;Label looks wrong&rdquo;: how often curators agree</h2>
      <p className="hint">
        Per label, from curators&apos; decisions on images screening flags as mislabelled: a relabel confirms the flag, keeping the label rejects it.
      </p>
      {rows.data.length === 0 ? (
        <p className="hint">Screening flags no image as mislabelled yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" data-testid="mislabel-precision">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col" className="num">
                  Flagged
                </th>
                <th scope="col" className="num">
                  Confirmed
                </th>
                <th scope="col" className="num">
                  Rejected
                </th>
                <th scope="col" className="num">
                  Precision
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map((r) => (
                <tr key={r.label}>
                  <th scope="row">{r.label}</th>
                  <td className="num">{r.flagged}</td>
                  <td className="num">{r.confirmed}</td>
                  <td className="num">{r.rejected}</td>
                  <td className="num">{r.precision === null ? "no decisions yet" : `${Math.round(r.precision * 100)}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

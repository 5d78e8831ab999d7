"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../trpc/react.tsx";

// A fixed locale keeps server and browser renders identical.
const number = new Intl.NumberFormat("en-US");
const SPLITS = [
  { key: "train", label: "Train" },
  { key: "val", label: "Validation" },
  { key: "test", label: "Test" },
  { key: "unassigned", label: "Unassigned" },
] as const;

const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Images per expression class and split, from tRPC `dataset.summary` (prefetched on the server). */
export function DatasetSummary() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.dataset.summary.queryOptions());

  if (summary.isPending) {
    return (
      <p className="status" role="status">
        Loading the data set…
      </p>
    );
  }
  if (summary.isError) {
    return (
      <p className="notice notice-error" role="alert">
        The data set summary could not be loaded: {summary.error.message} Reload the page to try again.
      </p>
    );
  }

  const { classes, totals } = summary.data;
  return (
    <>
      <dl className="stats">
        <div className="stat">
          <dt>Images</dt>
          <dd data-testid="total-images">{number.format(totals.total)}</dd>
        </div>
        <div className="stat">
          <dt>Classes</dt>
          <dd>{classes.length}</dd>
        </div>
        <div className="stat">
          <dt>Not yet in a split</dt>
          <dd>{number.format(totals.unassigned)}</dd>
        </div>
      </dl>
      {/* Scrolls sideways on narrow screens; focusable so keyboard users can scroll it too. */}
      <div className="table-wrap" role="region" aria-label="Data set table" tabIndex={0}>
        <table className="data-table">
          {/* The section heading shows the same words; the caption names the table for assistive tech. */}
          <caption className="visually-hidden">Data set</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              {SPLITS.map((s) => (
                <th scope="col" key={s.key} className="num">
                  {s.label}
                </th>
              ))}
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.name} data-class={c.name}>
                <th scope="row">{title(c.name)}</th>
                {SPLITS.map((s) => (
                  <td key={s.key} className={`num${c[s.key] === 0 ? " zero" : ""}`}>
                    {number.format(c[s.key])}
                  </td>
                ))}
                <td className="num total">{number.format(c.total)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-class="total">
              <th scope="row">All classes</th>
              {SPLITS.map((s) => (
                <td key={s.key} className="num">
                  {number.format(totals[s.key])}
                </td>
              ))}
              <td className="num total">{number.format(totals.total)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";

import { useTRPC } from "../../trpc/react.tsx";

const number = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });
const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Landis and Koch's (1977) words for a kappa, so the number reads without a statistics course. */
export function kappaWords(kappa: number | null): string {
  if (kappa === null) return "not enough data";
  if (kappa < 0) return "worse than chance";
  if (kappa <= 0.2) return "slight";
  if (kappa <= 0.4) return "fair";
  if (kappa <= 0.6) return "moderate";
  if (kappa <= 0.8) return "substantial";
  return "almost perfect";
}

function outcomeWords(outcomes: Record<string, number>): string {
  const entries = Object.entries(outcomes).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return "—";
  return entries
    .map(([o, share]) => `${o === "accept" ? "kept" : o === "flag" ? "removed" : `→ ${o.slice("relabel:".length)}`} ${percent.format(share)}`)
    .join(", ");
}

interface Row {
  images: number;
  ratings: number;
  kappa: number | null;
  observed: number | null;
  outcomes: Record<string, number>;
}

function Cells({ row }: { row: Row }) {
  return (
    <>
      <td className={`num${row.images === 0 ? " zero" : ""}`}>{number.format(row.images)}</td>
      <td className={`num${row.ratings === 0 ? " zero" : ""}`}>{number.format(row.ratings)}</td>
      <td className="num">{row.observed === null ? "—" : percent.format(row.observed)}</td>
      <td className="num" data-testid="kappa">
        {row.kappa === null ? "—" : row.kappa.toFixed(2)}
      </td>
      <td>{kappaWords(row.kappa)}</td>
      <td className="outcome-mix">{outcomeWords(row.outcomes)}</td>
    </>
  );
}

/** Fleiss' kappa between curators per class and overall, with the images each figure covers. */
export function AgreementTable() {
  const trpc = useTRPC();
  const query = useQuery(trpc.review.agreement.queryOptions());
  if (query.isPending) return <p className="status">Computing agreement…</p>;
  if (query.isError) {
    return (
      <p className="notice notice-error" role="alert">
        Agreement could not be computed: {query.error.message} Reload the page to try again.
      </p>
    );
  }
  const { overall, classes, singleReviewed } = query.data;
  return (
    <>
      <dl className="stats">
        <div className="stat">
          <dt>Overall kappa</dt>
          <dd data-testid="overall-kappa">{overall.kappa === null ? "—" : overall.kappa.toFixed(2)}</dd>
        </div>
        <div className="stat">
          <dt>Agreement</dt>
          <dd>{kappaWords(overall.kappa)}</dd>
        </div>
        <div className="stat">
          <dt>Images with 2+ reviews</dt>
          <dd data-testid="covered-images">{number.format(overall.images)}</dd>
        </div>
        <div className="stat">
          <dt>Reviewed once</dt>
          <dd>{number.format(singleReviewed)}</dd>
        </div>
      </dl>
      <div className="table-wrap" role="region" aria-label="Agreement per class" tabIndex={0}>
        <table className="data-table">
          <caption className="visually-hidden">Agreement between curators per class</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col" className="num">
                Images
              </th>
              <th scope="col" className="num">
                Decisions
              </th>
              <th scope="col" className="num">
                Pairs agreeing
              </th>
              <th scope="col" className="num">
                Kappa
              </th>
              <th scope="col">Reads as</th>
              <th scope="col">Outcomes</th>
            </tr>
          </thead>
          <tbody>
            {classes.map((c) => (
              <tr key={c.name} data-class={c.name}>
                <th scope="row">{title(c.name)}</th>
                <Cells row={c} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-class="overall">
              <th scope="row">All classes</th>
              <Cells row={overall} />
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}
